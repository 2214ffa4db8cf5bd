using System.Diagnostics.Metrics;
using Azure;
using EvidenceVault.Api.Ingest;
using EvidenceVault.Api.Monitoring;
using EvidenceVault.Api.Storage;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Bundles;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Hashing;
using EvidenceVault.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Tests.Ingest;

/// <summary>
/// A reader of the vault's that fails on a victim's file — as the e-mail reader once did on a damaged attachment —
/// costs the item what the file says of itself, never the evidence: the upload and the repair of a crashed one still
/// store, hash, timestamp, index and chain it, and the operator is told without the file's content. A storage fault
/// under a reader still fails the upload, and a reader that hangs costs the statements once its time is spent. The app
/// here runs the vault's own readers, except that its photo reader fails after reading the stored bytes, its PNG reader
/// meets a storage fault, and its WAV and WebP readers hang — the one until it is told to stop, the other heeding
/// nothing — within a reading budget of a second.
/// </summary>
[Collection(VaultOnAzurite.Name)]
public sealed class UnreadStatementsTests(UnreadStatementsTests.VaultWithFailingReaders app) : IClassFixture<UnreadStatementsTests.VaultWithFailingReaders>, IDisposable
{
    /// <summary>What the failing reader's message quotes from the file; it must reach no log.</summary>
    private const string QuotedFromTheFile = "EXIF device Apple iPhone 15";

    private readonly string _folder = Directory.CreateTempSubdirectory("ev-unread-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_photo_whose_reader_fails_is_stored_timestamped_indexed_and_chained_without_its_statements_and_the_operator_is_told()
    {
        using var unread = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), VaultMetrics.MeterName, VaultMetrics.UnreadStatements);
        using var vault = await app.CreateCaseAsync();
        var photo = SamplePhotos.Jpeg(Path.Combine(_folder, "IMG_0412.jpg"), SamplePhotos.Exif(littleEndian: true, "Apple", "iPhone 15", "2026:11:20 14:03:17", "+08:00"));

        var item = await vault.UploadNewItemAsync(photo, r => r.Headers.Add("X-File-Name", "IMG_0412.jpg"));

        // Whole, and as the victim sent it.
        await using (var file = File.OpenRead(photo))
        {
            Assert.Equal((await EvidenceHasher.HashAsync(file)).Digest.Hex, item.Sha256);
        }

        Assert.Equal((EvidenceKind.Screenshot.ToWireName(), "image/jpeg", TimestampStatuses.Granted), (item.Kind, item.ContentType, item.Timestamp?.Status));
        Assert.NotNull(item.Receipt);
        Assert.Equal(await File.ReadAllBytesAsync(photo), await vault.Client.GetByteArrayAsync($"/api/cases/{vault.CaseId}/items/{item.ItemId}/content"));

        // Without what the file says of itself, in the index and in its custody line alike.
        Assert.Null(item.Photo);
        var custody = await vault.CheckCustodyAsync();
        Assert.True(custody.IsIntact, string.Join("\n", custody.Breaks));
        var received = Assert.Single(custody.Events, e => e.Type == CustodyEventTypes.ItemReceived && e.ItemId == item.ItemId);
        Assert.Null(PhotoDetails.From(received.Details));

        // The bundle holds it and verifies.
        Assert.True((await BagVerifier.VerifyAsync(await vault.DownloadBundleAsync(_folder))).Intact);

        // The operator is told which item and where the reader failed, and nothing the file says.
        AssertOperatorTold(item.ItemId, "image/jpeg");
        var measurement = Assert.Single(unread.GetMeasurementSnapshot());
        Assert.Equal((1L, "image/jpeg"), (measurement.Value, measurement.Tags[VaultMetrics.ContentTypeTag]));
    }

    [Fact]
    public async Task A_photo_committed_before_the_vault_stopped_is_adopted_without_the_statements_its_reader_fails_on()
    {
        using var vault = await app.CreateCaseAsync();
        var victim = await vault.GrantAsync(CaseRoles.Contributor, "Victim 6");
        var photo = SamplePhotos.Jpeg(Path.Combine(_folder, "IMG_0413.jpg"), SamplePhotos.Exif(littleEndian: false, "Apple", "iPhone 15", "2026:11:20 14:04:02", "+08:00"));
        var itemId = await CrashedUploads.CommitThenStopAsync(app, vault, victim, photo, new EvidenceClaims(null, "IMG_0413.jpg", null, null, null));

        var report = await app.Services.GetRequiredService<IndexRepair>().RepairAsync(vault.CaseId, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal([itemId], report.Adopted);
        Assert.Empty(report.Left);
        var item = Assert.Single(await vault.ListItemsAsync());
        Assert.Equal((itemId, "IMG_0413.jpg", TimestampStatuses.Granted), (item.ItemId, item.FileName, item.Timestamp?.Status));
        Assert.Null(item.Photo);
        Assert.True((await vault.CheckCustodyAsync()).IsIntact);
        AssertOperatorTold(itemId, "image/jpeg");
    }

    [Fact]
    public async Task A_storage_fault_under_a_reader_fails_the_upload_and_indexes_nothing()
    {
        using var vault = await app.CreateCaseAsync();

        using var response = await vault.UploadAsync("screenshot-refund-page.png");

        await ProblemAssert.IsAsync(response, 503, "storage-unavailable");
        Assert.Empty(await vault.ListItemsAsync());
        Assert.Empty(await app.IndexRowsAsync(vault.CaseId));
        Assert.DoesNotContain(app.Logs.Lines, line => line.Contains("could not be read", StringComparison.Ordinal) && line.Contains("image/png", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_storage_fault_a_reader_takes_for_a_damaged_file_still_fails_the_reading()
    {
        using var vault = await app.CreateCaseAsync();
        var item = await vault.UploadItemAsync("call-recording.wav");
        var blob = app.Container.GetBlobClient(EvidencePaths.Original(vault.CaseId, item.ItemId));

        // Storage changes the blob between the reader's first read and its next (its read stream then fails: the
        // blob is not the one it opened), and the reader takes that for a damaged file and states nothing.
        var swallowing = new ReaderTakingFaultsForDamage(() => blob.SetMetadataAsync(new Dictionary<string, string> { ["touched"] = "yes" }));
        var statements = new StoredStatements(
            app.Services.GetRequiredService<VaultStorage>(), swallowing, app.Services.GetRequiredService<VaultMetrics>(),
            app.Services.GetRequiredService<IOptions<IngestOptions>>(), TimeProvider.System, NullLogger<StoredStatements>.Instance);

        var fault = await Assert.ThrowsAsync<RequestFailedException>(() =>
            statements.ReadAsync(vault.CaseId, item.ItemId, EvidenceFormatDetector.Recorded(item.ContentType)!, CancellationToken.None));

        Assert.Equal(412, fault.Status);
        Assert.True(swallowing.TookFaultForDamage);
    }

    [Theory]
    [InlineData("audio/wav")] // stops when told to
    [InlineData("image/webp")] // heeds nothing, as a reader caught in a loop would not
    public async Task A_file_whose_reader_hangs_is_stored_without_its_statements_once_its_reading_time_is_spent(string contentType)
    {
        using var unread = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), VaultMetrics.MeterName, VaultMetrics.UnreadStatements);
        using var vault = await app.CreateCaseAsync();
        var item = await vault.UploadNewItemAsync(SampleEvidence.PathOf(contentType == "audio/wav" ? "call-recording.wav" : "screenshot-refund-page.webp"));

        Assert.Equal((contentType, TimestampStatuses.Granted), (item.ContentType, item.Timestamp?.Status));
        Assert.NotNull(item.Receipt);
        var custody = await vault.CheckCustodyAsync();
        Assert.True(custody.IsIntact, string.Join("\n", custody.Breaks));
        Assert.Single(custody.Events, e => e.Type == CustodyEventTypes.ItemReceived && e.ItemId == item.ItemId);
        var warning = Assert.Single(app.Logs.Lines, line => line.StartsWith($"Warning {typeof(StoredStatements).FullName}:", StringComparison.Ordinal) && line.Contains(item.ItemId, StringComparison.Ordinal));
        Assert.Contains($"not read within 00:00:01: case {vault.CaseId}, item {item.ItemId} ({contentType})", warning, StringComparison.Ordinal);
        var measurement = Assert.Single(unread.GetMeasurementSnapshot());
        Assert.Equal((1L, contentType), (measurement.Value, measurement.Tags[VaultMetrics.ContentTypeTag]));
    }

    private void AssertOperatorTold(string itemId, string contentType)
    {
        var warning = Assert.Single(app.Logs.Lines, line => line.StartsWith($"Warning {typeof(StoredStatements).FullName}:", StringComparison.Ordinal) && line.Contains(itemId, StringComparison.Ordinal));
        Assert.Contains($"({contentType}), System.IO.InvalidDataException at ", warning, StringComparison.Ordinal);
        Assert.Contains(nameof(ReadersFailingOnPhotos), warning, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Lines, line => line.Contains(QuotedFromTheFile, StringComparison.Ordinal));
    }

    public sealed class VaultWithFailingReaders : VaultApp
    {
        protected override void ReplaceServices(IServiceCollection services)
        {
            services.AddSingleton<IFileStatementReader, ReadersFailingOnPhotos>();
            services.Configure<IngestOptions>(options => options.StatementReadTimeout = TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>A reader that reads the start of the file and then its end, and states nothing when storage fails under it, as if the file were damaged.</summary>
    private sealed class ReaderTakingFaultsForDamage(Func<Task> meanwhile) : IFileStatementReader
    {
        public bool TookFaultForDamage { get; private set; }

        public async Task<FileStatements> ReadAsync(Stream content, EvidenceFormat format, CancellationToken cancellationToken)
        {
            try
            {
                await content.ReadExactlyAsync(new byte[16], cancellationToken);
                await meanwhile();
                content.Position = content.Length - 16; // past what the first read buffered
                await content.ReadExactlyAsync(new byte[16], cancellationToken);
                return FileStatements.None;
            }
            catch (RequestFailedException)
            {
                TookFaultForDamage = true;
                return FileStatements.None;
            }
        }
    }

    /// <summary>
    /// The vault's readers, but a JPEG's fails once it has read the stored bytes, a PNG's meets a storage fault, a WAV's
    /// waits until it is told to stop and a WebP's spins on, heeding nothing. Neither of the last two waits longer than
    /// half a minute, and then fails: were the upload to wait for them, it would be told as a fault, not as time spent.
    /// </summary>
    private sealed class ReadersFailingOnPhotos(IMailKeyDirectory mailKeys, IOptions<MailKeyOptions> mailKeyOptions) : IFileStatementReader
    {
        private readonly FileStatementReader _vaults = new(mailKeys, mailKeyOptions);

        public async Task<FileStatements> ReadAsync(Stream content, EvidenceFormat format, CancellationToken cancellationToken)
        {
            switch (format.ContentType)
            {
                case "image/jpeg":
                    var start = new byte[64];
                    await content.ReadExactlyAsync(start, cancellationToken);
                    throw new InvalidDataException($"The maker note runs past the file: {QuotedFromTheFile}.");
                case "image/png":
                    throw new RequestFailedException(503, "The server is busy.");
                case "audio/wav":
                    await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
                    throw new InvalidOperationException("The reader was never told to stop.");
                case "image/webp":
                    var spinning = System.Diagnostics.Stopwatch.StartNew();
                    while (spinning.Elapsed < TimeSpan.FromSeconds(30))
                    {
                        Thread.Sleep(10); // a loop that never awaits and never looks at its token
                    }

                    throw new InvalidOperationException("The upload waited for the reader.");
                default:
                    return await _vaults.ReadAsync(content, format, cancellationToken);
            }
        }
    }
}
