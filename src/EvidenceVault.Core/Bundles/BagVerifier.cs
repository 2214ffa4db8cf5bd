using System.Globalization;
using System.Text;
using System.Text.Json;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;
using EvidenceVault.Serialization;

namespace EvidenceVault.Bundles;

/// <summary>
/// Checks an EvidenceVault bundle offline, trusting nothing but the bytes in it: BagIt manifests and
/// <c>Payload-Oxum</c>, every item against the catalog, and the custody log's hash chain against both.
/// </summary>
public static partial class BagVerifier
{
    /// <summary>Name of the catalog file.</summary>
    public const string CatalogPath = "data/items.json";

    /// <summary>Name of the custody log copy.</summary>
    public const string CustodyLogPath = "data/custody-log.jsonl";

    /// <summary>The catalog as a spreadsheet, for lawyers.</summary>
    public const string ItemsCsvPath = "data/items.csv";

    /// <summary>The catalog and the case's links as a page for people to read and print.</summary>
    public const string ReportPath = "data/report.html";

    /// <summary>The bag's labels (RFC 8493 §2.2.2): the case, its title, the export's date, the payload's size, the item count and custody head.</summary>
    public const string BagInfoPath = "bag-info.txt";

    /// <summary>The guide to checking the bundle by hand, a tag file at the bag's top.</summary>
    public const string GuidePath = "VERIFY.md";

    /// <summary>The <c>bag-info.txt</c> label that records a failed integrity check during export.</summary>
    public const string ExportIntegrityLabel = "EvidenceVault-Export-Integrity";

    /// <summary>Verifies a bundle ZIP or an unpacked bag folder.</summary>
    public static Task<BagVerificationReport> VerifyAsync(string location, CancellationToken cancellationToken = default) =>
        VerifyAsync(location, new BagVerificationOptions(), cancellationToken);

    /// <summary>Verifies a bundle ZIP or an unpacked bag folder, trusting the roots and keys the expert brings.</summary>
    public static async Task<BagVerificationReport> VerifyAsync(string location, BagVerificationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var bag = BagFiles.Load(location);
        return await new Run(bag).VerifyAsync(options, cancellationToken);
    }

    private sealed partial class Run(BagFiles bag)
    {
        private readonly List<BagFinding> _findings = [];
        private readonly Dictionary<string, HashedLength> _hashes = new(StringComparer.Ordinal);
        /// <summary>The vault log entry, once its audit path led to the checkpoint's root.</summary>
        private Transparency.LogInclusion? _logInclusion;
        /// <summary>The custody log's lines by sequence number (the first, where a broken log repeats one), with each line's SHA-256.</summary>
        private Dictionary<long, (CustodyEvent Event, Sha256Digest Hash)>? _custodyLines;
        /// <summary>The case's links as the custody log introduces them, in its order.</summary>
        private IReadOnlyList<CaseLink> _links = [];

        public async Task<BagVerificationReport> VerifyAsync(BagVerificationOptions options, CancellationToken cancellationToken)
        {
            foreach (var duplicate in bag.DuplicatePaths)
            {
                Add(duplicate, BagFindingCodes.UnexpectedFile, "the ZIP holds this path more than once");
            }

            await CheckDeclarationAsync(cancellationToken);
            var payloadListed = await CheckManifestAsync("manifest-sha256.txt", isPayload: true, cancellationToken);
            var tagsListed = await CheckManifestAsync("tagmanifest-sha256.txt", isPayload: false, cancellationToken);
            ReportUnlisted(payloadListed, tagsListed);
            var bagInfo = await ReadBagInfoAsync(cancellationToken);
            CheckOxum(bagInfo);
            if (bagInfo.TryGetValue(ExportIntegrityLabel, out var integrity))
            {
                Add(BagInfoPath, BagFindingCodes.ExportIntegrityFailure, $"the vault reported at export: {integrity}");
            }

            bagInfo.TryGetValue("External-Identifier", out var caseId);
            await LoadTrustAsync(options, cancellationToken);
            var catalog = await ReadCatalogAsync(caseId, cancellationToken);
            var custody = await CheckCustodyAsync(caseId, cancellationToken);
            var items = catalog is null ? [] : await CheckItemsAsync(catalog, custody, options, cancellationToken);
            if (catalog is not null && custody is not null &&
                (catalog.CustodyHead.Seq != custody.Head.Seq || !string.Equals(catalog.CustodyHead.Head, custody.Head.Hash.Hex, StringComparison.Ordinal)))
            {
                Add(CatalogPath, BagFindingCodes.CustodyMismatch, $"the catalog names custody head {catalog.CustodyHead.Seq}/{catalog.CustodyHead.Head}, the log ends at {custody.Head.Seq}/{custody.Head.Hash.Hex}");
            }

            if (catalog is not null && custody is not null)
            {
                CheckExportLine(catalog, custody);
            }

            if (catalog is not null)
            {
                await CheckItemsCsvAsync(catalog, cancellationToken);
            }

            var log = await CheckLogAsync(caseId, catalog, options, cancellationToken);
            if (catalog is not null && custody is not null && _findings.Count == 0)
            {
                await CheckMadeFilesAsync(catalog, bagInfo.GetValueOrDefault("Payload-Oxum") ?? string.Empty, cancellationToken);
            }

            return new BagVerificationReport(bag.BagName, caseId, items, custody?.Events.Count ?? 0, custody?.Head.Hash.Hex, _findings)
            {
                Log = log,
                Contributor = catalog?.Contributor,
                TimestampRootsFrom = options.TsaRoots is null ? TrustSources.Bundle : TrustSources.Supplied,
                ReceiptKeysFrom = options.VaultKeys is null ? TrustSources.Bundle : TrustSources.Supplied,
                SiteRootsFrom = options.SiteRoots is null ? TrustSources.Machine : TrustSources.Supplied,
            };
        }

        private async Task CheckDeclarationAsync(CancellationToken cancellationToken)
        {
            var text = await ReadTextAsync("bagit.txt", cancellationToken);
            if (text is null)
            {
                Add("bagit.txt", BagFindingCodes.MissingFile, "every bag starts with bagit.txt");
                return;
            }

            var labels = ParseLabels(text);
            if (!labels.TryGetValue("BagIt-Version", out var version) || version != "1.0" ||
                !labels.TryGetValue("Tag-File-Character-Encoding", out var encoding) || !encoding.Equals("UTF-8", StringComparison.OrdinalIgnoreCase))
            {
                Add("bagit.txt", BagFindingCodes.InvalidDeclaration, "expected BagIt-Version: 1.0 and Tag-File-Character-Encoding: UTF-8");
            }
        }

        private async Task<HashSet<string>> CheckManifestAsync(string manifest, bool isPayload, CancellationToken cancellationToken)
        {
            var listed = new HashSet<string>(StringComparer.Ordinal);
            var text = await ReadTextAsync(manifest, cancellationToken);
            if (text is null)
            {
                Add(manifest, BagFindingCodes.MissingFile, "the bag has no " + manifest);
                return listed;
            }

            var lineNumber = 0;
            foreach (var line in text.Split('\n'))
            {
                lineNumber++;
                if (line.Length == 0)
                {
                    continue;
                }

                var space = line.IndexOfAny([' ', '\t']);
                var pathPart = space < 0 ? string.Empty : line[space..].TrimStart(' ', '\t');
                var path = BagPaths.DecodeFromManifest(pathPart.StartsWith('*') ? pathPart[1..] : pathPart);
                if (space < 0 || !Sha256Digest.TryParseHex(line[..space], out var expected) || !BagPaths.IsSafe(path))
                {
                    Add(manifest, BagFindingCodes.MalformedManifest, $"line {lineNumber} is not 'sha256  path'");
                    continue;
                }

                if (isPayload != path.StartsWith(BagPaths.PayloadFolder, StringComparison.Ordinal) || !listed.Add(path))
                {
                    Add(manifest, BagFindingCodes.MalformedManifest, $"line {lineNumber} lists {path} where it does not belong or twice");
                    continue;
                }

                var actual = await HashAsync(path, cancellationToken);
                if (actual is null)
                {
                    Add(path, BagFindingCodes.MissingFile, $"{manifest} lists it but the bag does not have it");
                }
                else if (actual.Digest != expected)
                {
                    Add(path, BagFindingCodes.ManifestMismatch, $"SHA-256 is {actual.Digest.Hex}, {manifest} says {expected.Hex}");
                }
            }

            return listed;
        }

        private void ReportUnlisted(HashSet<string> payloadListed, HashSet<string> tagsListed)
        {
            foreach (var path in bag.Paths.Order(StringComparer.Ordinal))
            {
                var isPayload = path.StartsWith(BagPaths.PayloadFolder, StringComparison.Ordinal);
                if (isPayload ? !payloadListed.Contains(path) : !tagsListed.Contains(path) && path != "tagmanifest-sha256.txt")
                {
                    Add(path, BagFindingCodes.UnexpectedFile, isPayload ? "not listed in manifest-sha256.txt" : "not listed in tagmanifest-sha256.txt");
                }
            }
        }

        private async Task<Dictionary<string, string>> ReadBagInfoAsync(CancellationToken cancellationToken)
        {
            var text = await ReadTextAsync(BagInfoPath, cancellationToken);
            if (text is null)
            {
                Add(BagInfoPath, BagFindingCodes.MissingFile, "the bag has no bag-info.txt");
                return [];
            }

            return ParseLabels(text);
        }

        private void CheckOxum(Dictionary<string, string> bagInfo)
        {
            var payload = bag.Paths.Where(p => p.StartsWith(BagPaths.PayloadFolder, StringComparison.Ordinal)).ToList();
            var octets = payload.Sum(p => _hashes.TryGetValue(p, out var h) ? h.Length : 0);
            var actual = BagItZipWriter.PayloadOxum(octets, payload.Count);
            if (!bagInfo.TryGetValue("Payload-Oxum", out var oxum))
            {
                Add(BagInfoPath, BagFindingCodes.OxumMismatch, "no Payload-Oxum");
            }
            else if (oxum != actual)
            {
                Add(BagInfoPath, BagFindingCodes.OxumMismatch, $"Payload-Oxum is {oxum}, the payload is {actual}");
            }
        }

        private async Task<BundleCatalog?> ReadCatalogAsync(string? caseId, CancellationToken cancellationToken)
        {
            var text = await ReadTextAsync(CatalogPath, cancellationToken);
            if (text is null)
            {
                Add(CatalogPath, BagFindingCodes.MissingFile, "the bag has no catalog");
                return null;
            }

            BundleCatalog? catalog;
            try
            {
                catalog = JsonSerializer.Deserialize<BundleCatalog>(text, VaultJson.Compact);
            }
            catch (JsonException e)
            {
                Add(CatalogPath, BagFindingCodes.InvalidCatalog, "not a valid catalog: " + e.Message);
                return null;
            }

            if (catalog?.Items is null)
            {
                Add(CatalogPath, BagFindingCodes.InvalidCatalog, "the catalog lists no items");
                return null;
            }

            if (!string.Equals(catalog.CaseId, caseId, StringComparison.Ordinal))
            {
                Add(CatalogPath, BagFindingCodes.InvalidCatalog, $"catalog of case {catalog.CaseId}, bag-info names {caseId}");
            }

            return catalog;
        }

        private async Task<CustodyChainCheck?> CheckCustodyAsync(string? caseId, CancellationToken cancellationToken)
        {
            if (!bag.Contains(CustodyLogPath))
            {
                Add(CustodyLogPath, BagFindingCodes.MissingFile, "the bag has no custody log");
                return null;
            }

            using var reader = new StreamReader(bag.OpenFile(CustodyLogPath), Encoding.UTF8);
            var check = await CustodyChain.CheckAsync(reader, caseId, cancellationToken);
            _custodyLines = check.Events.Zip(check.LineHashes).DistinctBy(line => line.First.Seq).ToDictionary(line => line.First.Seq, line => (line.First, line.Second));
            _links = CaseLinks.Of(check.Events);
            foreach (var chainBreak in check.Breaks)
            {
                Add(CustodyLogPath, BagFindingCodes.CustodyBroken, $"line {chainBreak.LineNumber}: {chainBreak.Reason}");
            }

            return check;
        }

        private async Task<List<VerifiedItem>> CheckItemsAsync(BundleCatalog catalog, CustodyChainCheck? custody, BagVerificationOptions options, CancellationToken cancellationToken)
        {
            var items = new List<VerifiedItem>();
            var referenced = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in catalog.Items)
            {
                var before = _findings.Count;
                var file = item.File ?? string.Empty;
                if (!file.StartsWith("data/evidence/", StringComparison.Ordinal) || !BagPaths.IsSafe(file) || !referenced.Add(file))
                {
                    Add(CatalogPath, BagFindingCodes.InvalidCatalog, $"item {item.ItemId} names no evidence file of its own");
                }
                else if (await HashAsync(file, cancellationToken) is not { } actual)
                {
                    Add(file, BagFindingCodes.MissingFile, $"item {item.ItemId}: evidence file missing");
                }
                else if (!string.Equals(actual.Digest.Hex, item.Sha256, StringComparison.Ordinal) || actual.Length != item.Size)
                {
                    Add(file, BagFindingCodes.ItemMismatch, $"item {item.ItemId}: file has SHA-256 {actual.Digest.Hex} and {actual.Length} bytes, the catalog records {item.Sha256} and {item.Size} bytes");
                }

                if (custody is not null)
                {
                    CheckItemCustody(item, file);
                }

                if (file.StartsWith("data/evidence/", StringComparison.Ordinal) && BagPaths.IsSafe(file) && bag.Contains(file))
                {
                    await CheckMailSignaturesAsync(item, file, cancellationToken);
                }

                var verified = await CheckTrustAsync(item, new VerifiedItem(item.ItemId, file, item.Sha256, item.Size, item.ReceivedAt, Intact: true), cancellationToken);
                var intact = _findings.Count == before;
                var sites = intact && item.CapturedBy is not null && item.ContentType == WebArchives.WaczPackage.ContentType
                    ? await CheckSiteCertificatesAsync(file, options, cancellationToken)
                    : null;
                items.Add(verified with { Intact = intact, SiteCertificates = sites });
            }

            foreach (var orphan in bag.Paths.Where(p => p.StartsWith("data/evidence/", StringComparison.Ordinal) && !referenced.Contains(p)).Order(StringComparer.Ordinal))
            {
                Add(orphan, BagFindingCodes.InvalidCatalog, "evidence file that no catalog item names");
            }

            return items;
        }

        private static string Quoted(string? text, string absent) => text is null ? absent : $"\"{text}\"";

        private const string NoTitle = "(no title)";

        private static string Holding(string? sender) => sender is null ? "the whole case's items" : $"the items of {sender} only";

        /// <summary>
        /// The export's own line, which ends the bag's log: its time is the catalog's export time, and it records how
        /// many items the vault listed (and, for one victim's bundle, whose: <c>owner</c> or a link's grant id), so a
        /// catalog with an item taken out — and the log left as the vault wrote it, its end fixed by the vault log
        /// proof — shows. The case's title is the one its first line opened it under.
        /// </summary>
        private void CheckExportLine(BundleCatalog catalog, CustodyChainCheck custody)
        {
            var export = custody.Events.Count == 0 ? null : custody.Events[^1];
            if (export?.Type != CustodyEventTypes.BundleExported)
            {
                Add(CustodyLogPath, BagFindingCodes.CustodyMismatch, $"the log does not end with the export's {CustodyEventTypes.BundleExported} line");
                return;
            }

            if (catalog.ExportedAt != export.At)
            {
                Add(CatalogPath, BagFindingCodes.CustodyMismatch, $"the catalog says the bundle was exported at {VaultJson.FormatUtc(catalog.ExportedAt)}, the export's custody line {export.Seq} at {VaultJson.FormatUtc(export.At)}");
            }

            var created = custody.Events.FirstOrDefault(line => line.Type == CustodyEventTypes.CaseCreated);
            if (created is not null && catalog.Title != created.Details?.GetValueOrDefault(CustodyEventTypes.CaseTitleDetail))
            {
                Add(CatalogPath, BagFindingCodes.CustodyMismatch, $"the catalog titles the case {Quoted(catalog.Title, NoTitle)}, its {CustodyEventTypes.CaseCreated} custody line {Quoted(created.Details?.GetValueOrDefault(CustodyEventTypes.CaseTitleDetail), NoTitle)}");
            }

            var listed = export.Details?.GetValueOrDefault(ExportDetails.Items);
            if (listed != catalog.Items.Count.ToString(CultureInfo.InvariantCulture))
            {
                Add(CatalogPath, BagFindingCodes.CustodyMismatch, $"the export's custody line {export.Seq} records {listed ?? "no"} items, the catalog lists {catalog.Items.Count}");
            }

            var exportedFor = export.Details?.GetValueOrDefault(ExportDetails.Contributor);
            if (catalog.Contributor != exportedFor)
            {
                Add(CatalogPath, BagFindingCodes.CustodyMismatch, $"the catalog says the bundle holds {Holding(catalog.Contributor)}, the export's custody line {export.Seq} {Holding(exportedFor)}");
            }

            if (exportedFor is { } sender)
            {
                // A grant id names that one link's items, as earlier releases wrote every such export.
                foreach (var item in catalog.Items.Where(item => item.Contributor != sender && SenderOf(item) != sender))
                {
                    Add(CatalogPath, BagFindingCodes.CustodyMismatch, $"item {item.ItemId} was sent by {SenderOf(item) ?? "no one"}, and the export's custody line {export.Seq} is for the items of {sender} only");
                }
            }
        }

        /// <summary>The item's sender (<see cref="CaseRoles.SenderOf"/>), by the role the custody log gives its link.</summary>
        private string? SenderOf(EvidenceItemRecord item) => item.Contributor is { } grantId
            ? CaseRoles.SenderOf(LinkOf(grantId)?.Role, grantId)
            : null;

        /// <summary>The link the custody log introduces by <paramref name="grantId"/>, if it does.</summary>
        private CaseLink? LinkOf(string grantId) => _links.LastOrDefault(link => link.GrantId == grantId);

        /// <summary>
        /// The catalog as the spreadsheet a lawyer opens (<c>items.csv</c>): the columns the vault writes, then one row
        /// per catalog item in its order, each cell as the catalog makes it — so what a reader sees there is what was checked.
        /// </summary>
        private async Task CheckItemsCsvAsync(BundleCatalog catalog, CancellationToken cancellationToken)
        {
            var text = await ReadTextAsync(ItemsCsvPath, cancellationToken);
            if (text is null)
            {
                Add(ItemsCsvPath, BagFindingCodes.MissingFile, "the bag has no items.csv");
                return;
            }

            var rows = ItemsCsv.RawRows(text);
            if (rows.Count == 0 || !rows[0].SequenceEqual(ItemsCsv.Columns, StringComparer.Ordinal))
            {
                Add(ItemsCsvPath, BagFindingCodes.ItemsCsvMismatch, "its first row is not the columns of the catalog's spreadsheet");
                return;
            }

            if (rows.Count - 1 != catalog.Items.Count)
            {
                Add(ItemsCsvPath, BagFindingCodes.ItemsCsvMismatch, $"it has {rows.Count - 1} rows of items, the catalog lists {catalog.Items.Count}");
                return;
            }

            foreach (var (item, row, number) in catalog.Items.Zip(rows.Skip(1), Enumerable.Range(2, catalog.Items.Count)))
            {
                var cells = ItemsCsv.Cells(item);
                var differs = Enumerable.Range(0, cells.Length).FirstOrDefault(i => i >= row.Count || !string.Equals(row[i], cells[i], StringComparison.Ordinal), -1);
                if (differs >= 0 || row.Count != cells.Length)
                {
                    Add(ItemsCsvPath, BagFindingCodes.ItemsCsvMismatch, differs >= 0
                        ? $"row {number} (item {item.ItemId}): its {ItemsCsv.Columns[differs]} is not the catalog's"
                        : $"row {number} (item {item.ItemId}): it has {row.Count} cells, not {cells.Length}");
                }
            }
        }

        /// <summary>
        /// The files the vault makes from the rest of the bundle — the report printed for a court file, the guide to checking
        /// the bundle by hand, and <c>bag-info.txt</c>, which archival tools and people read for the case, its title and
        /// item count — made again from what the other checks read (the catalog, the custody log's links, the vault log
        /// entry, the payload's size) and compared byte for byte, so what a reader sees there is what was checked. They are
        /// checked once everything else has checked out: a bundle with any other finding is not intact already, and files
        /// made from a catalog that failed its own checks would differ for that reason alone. The case's links come from
        /// the custody lines the chain check already read, not from reading the log again.
        /// </summary>
        private async Task CheckMadeFilesAsync(BundleCatalog catalog, string payloadOxum, CancellationToken cancellationToken)
        {
            await CheckMadeFileAsync(BagInfoPath, BagFindingCodes.BagInfoMismatch, BagItZipWriter.FormatBagInfo(EvidenceBundleWriter.BagInfoOf(catalog, []), payloadOxum), cancellationToken);
            await CheckMadeFileAsync(GuidePath, BagFindingCodes.GuideMismatch, VerifyGuide.Format(EvidenceBundleWriter.BagName(catalog.CaseId, catalog.ExportedAt), catalog), cancellationToken);
            if (_logInclusion is null)
            {
                return;
            }

            await CheckMadeFileAsync(ReportPath, BagFindingCodes.ReportMismatch, BundleReport.Format(catalog, _links, _logInclusion), cancellationToken);
        }

        private async Task CheckMadeFileAsync(string path, string code, string expected, CancellationToken cancellationToken)
        {
            var bytes = await ReadBytesAsync(path, cancellationToken);
            if (bytes is null)
            {
                Add(path, BagFindingCodes.MissingFile, "the bag has no " + path);
                return;
            }

            var made = Encoding.UTF8.GetBytes(expected);
            if (!bytes.AsSpan().SequenceEqual(made))
            {
                Add(path, code, $"it is not what the rest of the bundle makes it, from line {FirstDifferingLine(bytes, made)} on");
            }
        }

        /// <summary>The 1-based number of the first line where two texts differ.</summary>
        private static int FirstDifferingLine(ReadOnlySpan<byte> found, ReadOnlySpan<byte> made)
        {
            var common = found.CommonPrefixLength(made);
            return found[..common].Count((byte)'\n') + 1;
        }

        /// <summary>
        /// How the custody log introduces the link that sent <paramref name="item"/>, when the catalog names its sender
        /// otherwise: the role and the name a report and a spreadsheet show come from the catalog, and a link's role and
        /// label are fixed when its <c>grant.created</c> (or, for an owner's new link, <c>owner.rotated</c>) line is written.
        /// </summary>
        private string? SenderDiffering(EvidenceItemRecord item)
        {
            if (item.Contributor is null)
            {
                return null; // the actor check has already compared it with the item.received line
            }

            var link = LinkOf(item.Contributor);
            if (link is null)
            {
                return "no link at all (no grant.created line names it)";
            }

            return link.Role == item.ContributorRole && link.Label == item.ContributorLabel ? null : Sender(link.Role, link.Label);
        }

        private static string Sender(string? role, string? label) => $"{role ?? "(no role)"} {Quoted(label, "(no name)")}";

        /// <summary>Whether the bag's custody log has line <c>Seq</c> and its SHA-256 is <c>Head</c>.</summary>
        private bool IsCustodyLine(ItemCustody at) =>
            _custodyLines is not null && _custodyLines.TryGetValue(at.Seq, out var line) && string.Equals(line.Hash.Hex, at.Head, StringComparison.Ordinal);

        private void CheckItemCustody(EvidenceItemRecord item, string file)
        {
            if (_custodyLines?.GetValueOrDefault(item.Custody.Seq).Event is not { } received || received.Type != CustodyEventTypes.ItemReceived ||
                received.ItemId != item.ItemId || received.Sha256 != item.Sha256 || received.Size != item.Size)
            {
                Add(file, BagFindingCodes.CustodyMismatch, $"item {item.ItemId}: custody line {item.Custody.Seq} does not record its receipt with this hash and size");
            }
            else if (!IsCustodyLine(item.Custody))
            {
                Add(file, BagFindingCodes.CustodyMismatch, $"item {item.ItemId}: custody line {item.Custody.Seq} does not have the SHA-256 the catalog names ({item.Custody.Head})");
            }
            else if (received.Actor != item.Contributor)
            {
                Add(file, BagFindingCodes.CustodyMismatch, $"item {item.ItemId}: the catalog says link {item.Contributor ?? "(none)"} sent it, custody line {item.Custody.Seq} says {received.Actor ?? "(none)"}");
            }
            else if (SenderDiffering(item) is { } introduced)
            {
                Add(file, BagFindingCodes.CustodyMismatch, $"item {item.ItemId}: the catalog names its sender {Sender(item.ContributorRole, item.ContributorLabel)}, the custody log introduces link {item.Contributor} as {introduced}");
            }
            else if (ClaimDetails.Differing(received.Details, item) is { } claim)
            {
                Add(file, BagFindingCodes.CustodyMismatch, $"item {item.ItemId}: its {claim} differs from custody line {item.Custody.Seq}");
            }
            else if (SnapshotDetails.From(received.Details) != item.Snapshot)
            {
                Add(file, BagFindingCodes.CustodyMismatch, $"item {item.ItemId}: what the saved page says about its capture differs from custody line {item.Custody.Seq}");
            }
            else if (!SameStatement(RecordingDetails.From, received.Details, item.Recording))
            {
                Add(file, BagFindingCodes.CustodyMismatch, $"item {item.ItemId}: what the recording says of its length or making differs from custody line {item.Custody.Seq}");
            }
            else if (PhotoDetails.From(received.Details) != item.Photo)
            {
                Add(file, BagFindingCodes.CustodyMismatch, $"item {item.ItemId}: what the photo says of its taking differs from custody line {item.Custody.Seq}");
            }
            else if (!SameStatement(MessageDetails.From, received.Details, item.Message))
            {
                Add(file, BagFindingCodes.CustodyMismatch, $"item {item.ItemId}: what the e-mail says of itself (its header, its links) differs from custody line {item.Custody.Seq}");
            }
            else if (DocumentDetails.From(received.Details) != item.Document)
            {
                Add(file, BagFindingCodes.CustodyMismatch, $"item {item.ItemId}: what the document says of its making (author, dates, program) differs from custody line {item.Custody.Seq}");
            }
            else if (!SameStatement(ChatDetails.From, received.Details, item.Chat))
            {
                Add(file, BagFindingCodes.CustodyMismatch, $"item {item.ItemId}: what the chat says of itself (its writers, accounts, messages, times, links) differs from custody line {item.Custody.Seq}");
            }
            else if (CaptureDetails.From(received.Details) != item.CapturedBy)
            {
                Add(file, BagFindingCodes.CustodyMismatch, $"item {item.ItemId}: whether the vault captured the page itself differs from custody line {item.Custody.Seq}");
            }
            else if (!CaptureDetails.TryReadSites(received.Details, out var sites) || !CaptureDetails.SameSites(sites, item.CapturedSites))
            {
                Add(file, BagFindingCodes.CustodyMismatch, $"item {item.ItemId}: the sites and certificates the vault recorded at its capture differ from custody line {item.Custody.Seq}");
            }
        }

        /// <summary>Whether the custody line's <paramref name="details"/> state what the catalog does; a detail that is not a number or time where one belongs does not.</summary>
        private static bool SameStatement<T>(Func<IReadOnlyDictionary<string, string>?, T?> read, IReadOnlyDictionary<string, string>? details, T? cataloged)
            where T : class
        {
            try
            {
                return EqualityComparer<T>.Default.Equals(read(details), cataloged);
            }
            catch (FormatException)
            {
                return false;
            }
        }

        /// <summary>
        /// The site certificate chains an intact capture kept, checked again (<see cref="WebArchives.SiteCertificateVerifier"/>);
        /// from a copy when the bag is a ZIP, whose entries cannot seek.
        /// </summary>
        private async Task<IReadOnlyList<WebArchives.SiteCertificateCheck>?> CheckSiteCertificatesAsync(string file, BagVerificationOptions options, CancellationToken cancellationToken)
        {
            await using var opened = bag.OpenFile(file);
            var copy = opened.CanSeek ? null : new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await using (copy)
            {
                if (copy is not null)
                {
                    await opened.CopyToAsync(copy, cancellationToken);
                    copy.Position = 0;
                }

                try
                {
                    return await WebArchives.SiteCertificateVerifier.CheckAsync(copy ?? opened, options.SiteRoots, cancellationToken);
                }
                catch (InvalidDataException)
                {
                    return null; // the vault wrote this archive and its hash checked out; a reader that cannot follow it reports nothing
                }
            }
        }

        private async Task<HashedLength?> HashAsync(string path, CancellationToken cancellationToken)
        {
            if (_hashes.TryGetValue(path, out var known))
            {
                return known;
            }

            if (!bag.Contains(path))
            {
                return null;
            }

            await using var stream = bag.OpenFile(path);
            var hashed = await EvidenceHasher.HashAsync(stream, cancellationToken);
            _hashes[path] = hashed;
            return hashed;
        }

        private async Task<string?> ReadTextAsync(string path, CancellationToken cancellationToken)
        {
            if (!bag.Contains(path))
            {
                return null;
            }

            using var reader = new StreamReader(bag.OpenFile(path), Encoding.UTF8);
            return await reader.ReadToEndAsync(cancellationToken);
        }

        private static Dictionary<string, string> ParseLabels(string text)
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in text.Split('\n'))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    labels.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
                }
            }

            return labels;
        }

        private void Add(string path, string code, string message) => _findings.Add(new BagFinding(path, code, message));
    }
}
