using EvidenceVault.Api.Access;
using EvidenceVault.Api.Ingest;
using EvidenceVault.Api.Storage;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;
using EvidenceVault.Identifiers;

namespace EvidenceVault.Api.Tests.Ingest;

/// <summary>Uploads the vault stopped in the middle of, for <see cref="IndexRepair"/> to finish.</summary>
internal static class CrashedUploads
{
    /// <summary>
    /// The vault's own completion of an upload of the file at <paramref name="path"/> by <paramref name="uploader"/>,
    /// stopped right after the commit: the blob is stored write-once with the metadata the vault writes, then the
    /// process "dies" — no custody event, no index entry. Returns the item id.
    /// </summary>
    public static async Task<string> CommitThenStopAsync(VaultApp app, TestCase vault, CreatedGrant uploader, string path, EvidenceClaims claims)
    {
        var itemId = Ulid.NewUlid(TimeProvider.System);
        var blob = app.Services.GetRequiredService<VaultStorage>().Blob(EvidencePaths.Original(vault.CaseId, itemId));
        var blockId = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        Sha256Digest digest;
        await using (var file = File.OpenRead(path))
        {
            digest = (await EvidenceHasher.HashAsync(file)).Digest;
            file.Position = 0;
            await blob.StageBlockAsync(blockId, file);
        }

        var sample = new FormatSample();
        sample.Append(await File.ReadAllBytesAsync(path));

        var caller = new CaseCaller(vault.CaseId, uploader.GrantId, uploader.Role, uploader.Label);
        var received = new ReceivedEvidence(itemId, EvidenceIngestor.Recognise(sample, claims), digest, new FileInfo(path).Length);
        await Assert.ThrowsAsync<VaultStopped>(() => app.Services.GetRequiredService<EvidenceIngestor>().CompleteAsync(
            caller,
            claims,
            received,
            async (headers, metadata, token) =>
            {
                await StagedBlockUpload.CommitAsync(blob, [blockId], headers, metadata, token);
                throw new VaultStopped();
            },
            CancellationToken.None));
        return itemId;
    }

    private sealed class VaultStopped : Exception;
}
