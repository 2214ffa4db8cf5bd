using System.Globalization;
using EvidenceVault.Api.Access;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;
using EvidenceVault.Serialization;

namespace EvidenceVault.Api.Ingest;

/// <summary>What a committed evidence blob's metadata records of its upload: its claims, its kind, who sent it and when it arrived.</summary>
internal sealed record RecordedUpload(EvidenceClaims Claims, string? Kind, string Contributor, DateTimeOffset ReceivedAt, string? ContentType);

/// <summary>
/// The metadata written with every committed original — enough to rebuild the index from the blobs alone — and read
/// back by reindex and by a completion taken over after a restart. Values are ASCII (percent-encoded).
/// </summary>
internal static class EvidenceMetadata
{
    public const string Sha256 = "sha256";
    public const string UploadId = "uploadid";
    private const string CaseId = "caseid";
    private const string ItemId = "itemid";
    private const string Size = "size";
    private const string ContentType = "contenttype";
    private const string Kind = "kind";
    private const string ReceivedAt = "receivedat";
    private const string Contributor = "contributor";
    private const string FileName = "filename";
    private const string CapturedAt = "capturedat";
    private const string SourceUrl = "sourceurl";
    private const string CapturedBy = "capturedby";

    public static Dictionary<string, string> Of(
        CaseCaller caller, string itemId, Sha256Digest digest, long size, EvidenceFormat format, string kind, DateTimeOffset receivedAt, EvidenceClaims claims)
    {
        var metadata = new Dictionary<string, string>
        {
            [CaseId] = caller.CaseId,
            [ItemId] = itemId,
            [Sha256] = digest.Hex,
            [Size] = size.ToString(CultureInfo.InvariantCulture),
            [ContentType] = format.ContentType,
            [Kind] = kind,
            [ReceivedAt] = VaultJson.FormatUtc(receivedAt),
            [Contributor] = caller.GrantId,
        };
        if (claims.FileName is not null)
        {
            metadata[FileName] = Uri.EscapeDataString(claims.FileName);
        }

        if (claims.CapturedAt is { } capturedAt)
        {
            metadata[CapturedAt] = VaultJson.FormatUtc(capturedAt);
        }

        if (claims.SourceUrl is not null)
        {
            metadata[SourceUrl] = Uri.EscapeDataString(claims.SourceUrl);
        }

        if (claims.CapturedByVault)
        {
            metadata[CapturedBy] = EvidenceVault.Custody.CaptureDetails.Vault;
        }

        return metadata;
    }

    /// <summary>The SHA-256 and size the metadata records.</summary>
    public static bool TryReadRecorded(IDictionary<string, string> metadata, out Sha256Digest digest, out long size)
    {
        size = 0;
        digest = default;
        return metadata.TryGetValue(Sha256, out var sha256) && Sha256Digest.TryParseHex(sha256, out digest) &&
            metadata.TryGetValue(Size, out var sizeText) && long.TryParse(sizeText, CultureInfo.InvariantCulture, out size);
    }

    /// <summary>The upload the metadata records, with <paramref name="note"/> (kept in the custody log, not in metadata).</summary>
    public static RecordedUpload ReadUpload(IDictionary<string, string> metadata, string? note)
    {
        var kindName = metadata.TryGetValue(Kind, out var recordedKind) ? recordedKind : null;
        var claims = new EvidenceClaims(
            EvidenceKinds.TryParse(kindName, out var kind) ? kind : null,
            metadata.TryGetValue(FileName, out var fileName) ? Uri.UnescapeDataString(fileName) : null,
            metadata.TryGetValue(CapturedAt, out var capturedAt) ? DateTimeOffset.Parse(capturedAt, CultureInfo.InvariantCulture) : null,
            metadata.TryGetValue(SourceUrl, out var sourceUrl) ? Uri.UnescapeDataString(sourceUrl) : null,
            DeclaredDigest: null,
            Note: note,
            CapturedByVault: metadata.TryGetValue(CapturedBy, out var capturedBy) && capturedBy == EvidenceVault.Custody.CaptureDetails.Vault);
        return new RecordedUpload(
            claims,
            kindName,
            metadata.TryGetValue(Contributor, out var grantId) ? grantId : string.Empty,
            DateTimeOffset.Parse(metadata[ReceivedAt], CultureInfo.InvariantCulture),
            metadata.TryGetValue(ContentType, out var contentType) ? contentType : null);
    }
}
