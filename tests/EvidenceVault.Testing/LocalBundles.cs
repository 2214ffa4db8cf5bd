using System.Text;
using EvidenceVault.Bundles;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;

namespace EvidenceVault.Testing;

/// <summary>
/// Builds real bundles from local files through the production <see cref="EvidenceBundleWriter"/>, with a
/// custody log chained exactly as the vault chains it: for verifier tests that need no server.
/// </summary>
public static class LocalBundles
{
    public const string CaseId = "01KBZ6X3N8Q4T2V7W9Y0A1B2C3";

    /// <summary>Writes a bundle of <paramref name="files"/> to a new temp ZIP and returns its path.</summary>
    public static async Task<string> CreateZipAsync(string folder, params string[] files)
    {
        var at = new DateTimeOffset(2026, 11, 23, 22, 40, 0, TimeSpan.Zero);
        var items = new List<EvidenceItemRecord>();
        var log = new CustodyLogBuilder(CaseId, at);
        log.Add(CustodyEventTypes.CaseCreated, null, null, null);
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var n = 0;
        foreach (var file in files)
        {
            await using var stream = File.OpenRead(file);
            var hashed = await EvidenceHasher.HashAsync(stream);
            var head = new byte[EvidenceFormatDetector.HeadLength];
            stream.Position = 0;
            var read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false);
            var format = EvidenceFormatDetector.Detect(head.AsSpan(0, read), file) ?? throw new InvalidOperationException(file + " is not evidence");
            var itemId = $"01KBZ6X3N8Q4T2V7W9Y0A1B{n++:D3}";
            var (seq, lineHash) = log.Add(CustodyEventTypes.ItemReceived, itemId, hashed.Digest.Hex, hashed.Length);
            paths[itemId] = file;
            items.Add(new EvidenceItemRecord
            {
                ItemId = itemId,
                CaseId = CaseId,
                Sha256 = hashed.Digest.Hex,
                Size = hashed.Length,
                Kind = format.DefaultKind.ToWireName(),
                ContentType = format.ContentType,
                FileName = Path.GetFileName(file),
                ReceivedAt = at.AddSeconds(seq),
                Custody = new ItemCustody(seq, lineHash),
            });
        }

        var (headSeq, headHash) = log.Add(CustodyEventTypes.BundleExported, null, null, null);
        var catalog = new BundleCatalog
        {
            CaseId = CaseId,
            Title = "退款诈骗 Refund scam",
            ExportedAt = at.AddMinutes(5),
            CustodyHead = new ItemCustody(headSeq, headHash),
            Items = items,
        };
        var zip = Path.Combine(folder, EvidenceBundleWriter.BagName(CaseId, catalog.ExportedAt) + ".zip");
        await using (var output = File.Create(zip))
        {
            await EvidenceBundleWriter.WriteAsync(output, catalog, new Source(paths, log.Text));
        }

        return zip;
    }

    private sealed class Source(Dictionary<string, string> paths, string custodyLog) : IBundleSource
    {
        public Task<Stream> OpenItemAsync(EvidenceItemRecord item, CancellationToken cancellationToken) =>
            Task.FromResult<Stream>(File.OpenRead(paths[item.ItemId]));

        public Task<Stream> OpenCustodyLogAsync(CancellationToken cancellationToken) =>
            Task.FromResult<Stream>(new MemoryStream(Encoding.UTF8.GetBytes(custodyLog)));
    }
}

/// <summary>Writes a custody log line by line, chained like the vault's.</summary>
public sealed class CustodyLogBuilder(string caseId, DateTimeOffset start)
{
    private readonly StringBuilder _text = new();
    private CustodyHead _head = CustodyHead.Empty;

    public string Text => _text.ToString();

    public (long Seq, string Hash) Add(string type, string? itemId, string? sha256, long? size)
    {
        var line = new CustodyEvent
        {
            Seq = _head.Seq + 1,
            At = start.AddSeconds(_head.Seq),
            Type = type,
            CaseId = caseId,
            Actor = "01KBZ6X3N8Q4T2V7W9Y0OWNER0",
            ItemId = itemId,
            Sha256 = sha256,
            Size = size,
            Prev = _head.Hash.Hex,
        }.ToLine();
        _text.Append(line).Append('\n');
        _head = new CustodyHead(_head.Seq + 1, CustodyEvent.HashLine(line));
        return (_head.Seq, _head.Hash.Hex);
    }
}
