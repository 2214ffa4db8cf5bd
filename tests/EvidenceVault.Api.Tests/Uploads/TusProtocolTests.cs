using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Azure.Data.Tables;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Custody;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;
using EvidenceVault.Testing;
using Azure.Storage.Blobs.Specialized;

namespace EvidenceVault.Api.Tests.Uploads;

/// <summary>The tus 1.0.0 protocol, request by request, with storage inspected after every refusal.</summary>
[Collection(VaultOnAzurite.Name)]
public sealed class TusProtocolTests(TusProtocolTests.Vault app) : IClassFixture<TusProtocolTests.Vault>
{
    private const int Chunk = 256 * 1024;
    private const int Step = 100_000;

    /// <summary>Small blocks so that one PATCH is several staged blocks.</summary>
    public sealed class Vault : VaultOnKestrel
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [
            new("EvidenceVault:Ingest:BlockSizeBytes", (64 * 1024).ToString(CultureInfo.InvariantCulture)),
            new("EvidenceVault:Uploads:MaxChunkBytes", (1024 * 1024).ToString(CultureInfo.InvariantCulture)),
            new("EvidenceVault:Limits:MaxBytesPerCase", (50L * 1024 * 1024 * 1024).ToString(CultureInfo.InvariantCulture)),
        ];
    }

    [Fact]
    public async Task Discovery_names_the_version_extensions_limits_and_checksums()
    {
        using var vault = await app.CreateCaseAsync();
        using var request = new HttpRequestMessage(HttpMethod.Options, $"/api/cases/{vault.CaseId}/uploads");
        using var response = await vault.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());
        Assert.Equal(["creation", "termination", "checksum", "expiration"], response.Headers.GetValues("Tus-Extension").Single().Split(','));
        Assert.Equal(["sha1", "sha256", "md5"], response.Headers.GetValues("Tus-Checksum-Algorithm").Single().Split(','));
        Assert.True(long.Parse(response.Headers.GetValues("Tus-Max-Size").Single(), CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task A_recording_sent_in_chunks_with_checksums_becomes_one_item_with_its_sha256()
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        var file = await File.ReadAllBytesAsync(SampleEvidence.PathOf("call-recording.wav"));
        var upload = await tus.OpenAsync(file.Length, new Dictionary<string, string>
        {
            ["filename"] = "通话录音 call.wav",
            ["filetype"] = "audio/wav",
            ["kind"] = "audio",
            ["capturedAt"] = "2026-11-20T21:05:00+08:00",
            ["sourceUrl"] = "https://refund-scam.example/call",
            ["sha256"] = SampleEvidence.KnownSha256["call-recording.wav"],
            ["note"] = "骗子自称客服 — the caller posed as support",
        });

        using (var created = await tus.HeadAsync(upload))
        {
            Assert.Equal("0", created.Headers.GetValues("Upload-Offset").Single());
            Assert.Equal(file.Length.ToString(CultureInfo.InvariantCulture), created.Headers.GetValues("Upload-Length").Single());
            Assert.Equal("no-store", created.Headers.CacheControl!.ToString());
            Assert.Equal("1.0.0", created.Headers.GetValues("Tus-Resumable").Single());
        }

        long offset = 0;
        HttpResponseMessage? last = null;
        foreach (var algorithm in new[] { "sha1", "sha256", "md5" })
        {
            last?.Dispose();
            last = await tus.PatchAsync(upload, offset, file.AsMemory((int)offset, Step), algorithm);
            Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
            offset += Step;
            Assert.Equal(offset, long.Parse(last.Headers.GetValues("Upload-Offset").Single(), CultureInfo.InvariantCulture));
            Assert.True(last.Headers.Contains("Upload-Expires"));
            Assert.Equal(offset, await tus.OffsetAsync(upload));
        }

        last!.Dispose();
        using var final = await tus.PatchAsync(upload, offset, file.AsMemory((int)offset), checksumAlgorithm: null);

        Assert.Equal(HttpStatusCode.NoContent, final.StatusCode);
        var itemId = final.Headers.GetValues("X-Evidence-Item-Id").Single();
        var item = await vault.Client.GetFromJsonAsync<EvidenceItemRecord>($"/api/cases/{vault.CaseId}/items/{itemId}", VaultJson.Compact);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), item!.Sha256);
        Assert.Equal(("audio", "audio/wav", "通话录音 call.wav", "https://refund-scam.example/call"), (item.Kind, item.ContentType, item.FileName, item.SourceUrl));
        Assert.Equal(DateTimeOffset.Parse("2026-11-20T13:05:00Z", CultureInfo.InvariantCulture), item.CapturedAt);
        Assert.Equal("骗子自称客服 — the caller posed as support", item.Note);
        Assert.Equal(TimestampStatuses.Granted, item.Timestamp!.Status);
        Assert.NotNull(item.Receipt);

        var blob = app.Container.GetBlobClient((await app.CommittedOriginalsAsync(vault.CaseId)).Single());
        Assert.Equal(file, (await blob.DownloadContentAsync()).Value.Content.ToArray());
        Assert.Equal(upload.Split('/')[^1], (await blob.GetPropertiesAsync()).Value.Metadata["uploadid"]);
        var custody = await vault.CheckCustodyAsync();
        Assert.True(custody.IsIntact);
        Assert.Single(custody.Events, e => e.Type == CustodyEventTypes.ItemReceived && e.ItemId == itemId);

        var status = await vault.Client.GetFromJsonAsync<Api.Uploads.UploadStatus>(upload, VaultJson.Compact);
        Assert.Equal(("completed", itemId, file.Length), (status!.State, status.ItemId, status.Offset));
        Assert.Equal(file.Length, await tus.OffsetAsync(upload));
    }

    [Fact]
    public async Task Requests_without_tus_resumable_are_refused_with_412_and_the_version()
    {
        using var vault = await app.CreateCaseAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{vault.CaseId}/uploads");
        request.Headers.Add("Upload-Length", "10");
        request.Headers.Add("Tus-Resumable", "0.2.2");
        using var response = await vault.Client.SendAsync(request);

        await ProblemAssert.IsAsync(response, 412, "tus-version-unsupported");
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Resumable").Single());
        Assert.Empty(await UploadRowsAsync(vault.CaseId));
    }

    [Theory]
    [InlineData(null, "malformed-header", 400)]
    [InlineData("0", "empty-evidence", 400)]
    [InlineData("-5", "malformed-header", 400)]
    [InlineData("99999999999999999999", "malformed-header", 400)]
    [InlineData("70000000000000", "evidence-too-large", 413)]
    public async Task Creation_refuses_bad_lengths_and_stores_nothing(string? length, string problem, int status)
    {
        using var vault = await app.CreateCaseAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{vault.CaseId}/uploads");
        request.Headers.Add("Tus-Resumable", "1.0.0");
        if (length is not null)
        {
            request.Headers.TryAddWithoutValidation("Upload-Length", length);
        }

        using var response = await vault.Client.SendAsync(request);

        await ProblemAssert.IsAsync(response, status, problem);
        Assert.Empty(await UploadRowsAsync(vault.CaseId));
    }

    [Theory]
    [InlineData("filename !!!")]
    [InlineData("kind c2NyZWVuc2hvdA==,kind YXVkaW8=")]
    [InlineData("kind bm90LWEta2luZA==")]
    [InlineData("capturedAt MjAyNi0xMS0yMCAyMTowNQ==")]
    [InlineData("sourceUrl amF2YXNjcmlwdDphbGVydCgxKQ==")]
    [InlineData("sha256 YWJj")]
    [InlineData("note YQdi")] // a BEL control character in the note
    public async Task Creation_refuses_malformed_metadata_and_stores_nothing(string metadata)
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        using var response = await tus.CreateAsync(100, configure: r => r.Headers.TryAddWithoutValidation("Upload-Metadata", metadata));

        await ProblemAssert.IsAsync(response, 400, "malformed-header");
        Assert.Empty(await UploadRowsAsync(vault.CaseId));
    }

    [Fact]
    public async Task A_patch_at_the_wrong_offset_gets_409_and_changes_nothing()
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        var file = IngestTestsPng(3 * Chunk);
        var upload = await tus.OpenAsync(file.Length);
        (await tus.PatchAsync(upload, 0, file.AsMemory(0, Chunk))).EnsureSuccessStatusCode();

        using var behind = await tus.PatchAsync(upload, 0, file.AsMemory(0, Chunk));
        using var ahead = await tus.PatchAsync(upload, 2 * Chunk, file.AsMemory(2 * Chunk, Chunk));

        await ProblemAssert.IsAsync(behind, 409, "upload-offset-mismatch");
        await ProblemAssert.IsAsync(ahead, 409, "upload-offset-mismatch");
        Assert.Equal(Chunk, await tus.OffsetAsync(upload));
        Assert.Equal(Chunk / (64 * 1024), (await UploadRowsAsync(vault.CaseId)).Single().GetInt32("BlockCount"));
        using var rest = await tus.SendRestAsync(upload, file, Chunk);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), (await vault.ListItemsAsync()).Single().Sha256);
    }

    [Theory]
    [InlineData("sha1")]
    [InlineData("sha256")]
    [InlineData("md5")]
    public async Task A_chunk_that_fails_its_checksum_gets_460_and_is_discarded(string algorithm)
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        var file = IngestTestsPng(2 * Chunk);
        var upload = await tus.OpenAsync(file.Length);
        var damaged = file.AsSpan(0, Chunk).ToArray();
        damaged[Chunk / 2] ^= 0xFF;

        using var response = await tus.PatchAsync(upload, 0, new ByteArrayContent(damaged), $"{algorithm} {TusClient.Checksum(algorithm, file.AsSpan(0, Chunk))}");

        await ProblemAssert.IsAsync(response, 460, "checksum-mismatch");
        Assert.Equal(0, await tus.OffsetAsync(upload));
        Assert.Equal(0, (await UploadRowsAsync(vault.CaseId)).Single().GetInt32("BlockCount"));
        if (algorithm == "md5")
        {
            // Passed to storage as it arrived, with the client's MD5: storage itself refused the block.
            Assert.Empty(await UncommittedBlocksAsync(vault.CaseId));
        }

        using var resent = await tus.SendRestAsync(upload, file, Chunk);
        Assert.Equal(HttpStatusCode.NoContent, resent.StatusCode);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), (await vault.ListItemsAsync()).Single().Sha256);
    }

    [Fact]
    public async Task A_patch_with_an_md5_goes_to_storage_as_one_block_and_one_without_a_length_is_checked_by_the_vault()
    {
        using var vault = await app.CreateCaseAsync();
        using var plain = app.PlainClient(vault.OwnerToken); // over a socket, where a body of no length is sent chunked
        var tus = new TusClient(plain, vault.CaseId);
        var file = IngestTestsPng(3 * Chunk);
        var upload = await tus.OpenAsync(file.Length);

        using var sized = await tus.PatchAsync(upload, 0, file.AsMemory(0, Chunk), "md5");

        Assert.Equal(HttpStatusCode.NoContent, sized.StatusCode);
        Assert.Equal(1, (await UploadRowsAsync(vault.CaseId)).Single().GetInt32("BlockCount"));
        Assert.Equal(Chunk, Assert.Single(await UncommittedBlocksAsync(vault.CaseId)).SizeLong);

        // Without Content-Length the chunk is read into blocks as usual, and the vault checks the MD5 itself.
        var md5 = $"md5 {TusClient.Checksum("md5", file.AsSpan(Chunk, Chunk))}";
        var damaged = file.AsSpan(Chunk, Chunk).ToArray();
        damaged[^1] ^= 0x01;
        using var refused = await tus.PatchAsync(upload, Chunk, new UnsizedContent(damaged), md5);
        using var unsized = await tus.PatchAsync(upload, Chunk, new UnsizedContent(file.AsMemory(Chunk, Chunk)), md5);

        await ProblemAssert.IsAsync(refused, 460, "checksum-mismatch");
        Assert.Equal(HttpStatusCode.NoContent, unsized.StatusCode);
        Assert.Equal(1 + (Chunk / (64 * 1024)), (await UploadRowsAsync(vault.CaseId)).Single().GetInt32("BlockCount"));
        using var last = await tus.SendRestAsync(upload, file, Chunk, "md5");
        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        var blob = app.Container.GetBlobClient((await app.CommittedOriginalsAsync(vault.CaseId)).Single());
        Assert.Equal(file, (await blob.DownloadContentAsync()).Value.Content.ToArray());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), (await vault.ListItemsAsync()).Single().Sha256);
    }

    [Theory]
    [InlineData("crc32 AAAAAA==", 400, "checksum-algorithm-unsupported")]
    [InlineData("md5 AAAA", 400, "malformed-header")]
    [InlineData("sha1", 400, "malformed-header")]
    [InlineData("sha256 AAAA", 400, "malformed-header")]
    public async Task Bad_checksum_headers_are_refused(string header, int status, string problem)
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        var file = IngestTestsPng(Chunk);
        var upload = await tus.OpenAsync(file.Length);

        using var response = await tus.PatchAsync(upload, 0, new ByteArrayContent(file), header);

        await ProblemAssert.IsAsync(response, status, problem);
        Assert.Equal(0, await tus.OffsetAsync(upload));
    }

    [Fact]
    public async Task A_patch_of_another_content_type_gets_415()
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        var upload = await tus.OpenAsync(Chunk);

        using var response = await tus.PatchAsync(upload, 0, new ByteArrayContent(IngestTestsPng(Chunk)), contentType: "application/octet-stream");

        await ProblemAssert.IsAsync(response, 415, "upload-content-type");
        Assert.Equal(0, await tus.OffsetAsync(upload));
    }

    [Fact]
    public async Task Bytes_beyond_the_declared_length_get_413_and_change_nothing()
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        var file = IngestTestsPng(Chunk);
        var upload = await tus.OpenAsync(file.Length - 10);

        using var response = await tus.PatchAsync(upload, 0, file);

        await ProblemAssert.IsAsync(response, 413, "upload-length-exceeded");
        Assert.Equal(0, await tus.OffsetAsync(upload));
        Assert.Empty(await app.CommittedBlobsAsync(vault.CaseId));
    }

    [Fact]
    public async Task A_chunk_over_the_configured_maximum_gets_413()
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        var file = IngestTestsPng(2 * 1024 * 1024);
        var upload = await tus.OpenAsync(file.Length);

        // Asked with Expect: 100-continue (as curl asks for large bodies), the answer comes before the chunk is sent.
        // Without it the vault answers and closes the connection unread, so a client still sending may see it reset
        // first: a race of the transport, not of the vault's answer.
        using var response = await tus.PatchAsync(upload, 0, new ReadOnlyMemoryContent(file), expectContinue: true);

        await ProblemAssert.IsAsync(response, 413, "chunk-too-large");
        Assert.Equal(0, await tus.OffsetAsync(upload));
    }

    [Fact]
    public async Task After_completion_a_patch_gets_403_and_termination_gets_403_and_the_item_stays()
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        var file = IngestTestsPng(Chunk);
        var upload = await tus.OpenAsync(file.Length);
        (await tus.PatchAsync(upload, 0, file)).EnsureSuccessStatusCode();

        using var again = await tus.PatchAsync(upload, file.Length, new byte[1]);
        using var retried = await tus.PatchAsync(upload, 0, file); // a retry whose first answer was lost
        using var delete = await tus.DeleteAsync(upload);

        await ProblemAssert.IsAsync(again, 403, "upload-completed");
        await ProblemAssert.IsAsync(retried, 409, "upload-offset-mismatch"); // the client asks with HEAD and sees it done
        await ProblemAssert.IsAsync(delete, 403, "upload-completed");
        Assert.Single(await app.CommittedOriginalsAsync(vault.CaseId));
        Assert.Single(await vault.ListItemsAsync());
    }

    [Fact]
    public async Task A_POST_with_X_HTTP_Method_Override_is_the_PATCH_or_DELETE_it_names()
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        var file = IngestTestsPng(2 * Chunk);
        var upload = await tus.OpenAsync(file.Length);

        using var patched = await tus.PatchAsync(upload, 0, file.AsMemory(0, Chunk), viaMethodOverride: true);
        var offset = await tus.OffsetAsync(upload);
        using var terminated = await tus.DeleteAsync(upload, viaMethodOverride: true);
        using var head = await tus.HeadAsync(upload);

        Assert.Equal(HttpStatusCode.NoContent, patched.StatusCode);
        Assert.Equal(Chunk.ToString(CultureInfo.InvariantCulture), patched.Headers.GetValues("Upload-Offset").Single());
        Assert.Equal(Chunk, offset);
        Assert.Equal(HttpStatusCode.NoContent, terminated.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, head.StatusCode);
        Assert.Empty(await app.CommittedBlobsAsync(vault.CaseId));
    }

    [Fact]
    public async Task A_terminated_upload_is_gone_and_left_nothing_behind()
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        var file = IngestTestsPng(2 * Chunk);
        var upload = await tus.OpenAsync(file.Length);
        (await tus.PatchAsync(upload, 0, file.AsMemory(0, Chunk))).EnsureSuccessStatusCode();

        using var deleted = await tus.DeleteAsync(upload);
        using var head = await tus.HeadAsync(upload);
        using var patch = await tus.PatchAsync(upload, Chunk, file.AsMemory(Chunk));
        using var deletedAgain = await tus.DeleteAsync(upload);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, head.StatusCode);
        await ProblemAssert.IsAsync(patch, 410, "upload-gone");
        await ProblemAssert.IsAsync(deletedAgain, 410, "upload-gone");
        Assert.Empty(await app.CommittedBlobsAsync(vault.CaseId));
        Assert.Empty(await app.IndexRowsAsync(vault.CaseId));
        Assert.DoesNotContain(CustodyEventTypes.ItemReceived, await app.CustodyLogAsync(vault.CaseId), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_that_are_no_evidence_format_are_refused_at_the_first_chunk_and_the_upload_is_gone()
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        var text = new byte[3 * Chunk];
        Array.Fill(text, (byte)'a');

        await AssertRefusedAtTheFirstChunkAsync(vault, tus, text, "unsupported-evidence-type");
    }

    [Fact]
    public async Task A_mailbox_export_is_refused_at_the_first_chunk_as_one_and_the_upload_is_gone()
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        var folder = Directory.CreateTempSubdirectory("ev-tus-mbox-");
        try
        {
            var mailbox = await File.ReadAllBytesAsync(await SampleMessages.PhishingMailboxAsync(folder.FullName, "All mail.mbox", copies: 4 * Chunk / 1024)); // a phishing mail is over 1 KiB
            Assert.True(mailbox.Length > 2 * Chunk);

            await AssertRefusedAtTheFirstChunkAsync(vault, tus, mailbox, "mailbox-export");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Sends the first chunk of <paramref name="file"/> and asserts it refused as <paramref name="problem"/>, the upload gone and storage holding nothing.</summary>
    private async Task AssertRefusedAtTheFirstChunkAsync(TestCase vault, TusClient tus, byte[] file, string problem)
    {
        var upload = await tus.OpenAsync(file.Length);

        using var first = await tus.PatchAsync(upload, 0, file.AsMemory(0, Chunk));
        using var head = await tus.HeadAsync(upload);

        await ProblemAssert.IsAsync(first, 415, problem);
        Assert.Equal(HttpStatusCode.Gone, head.StatusCode);
        var row = (await UploadRowsAsync(vault.CaseId)).Single();
        Assert.Equal(("rejected", problem, 0L), (row.GetString("State"), row.GetString("Reason"), row.GetInt64("Offset")));
        Assert.Empty(await app.CommittedBlobsAsync(vault.CaseId));
    }

    [Fact]
    public async Task A_word_97_document_is_told_by_its_directory_across_patches_and_an_installer_is_refused_when_its_directory_arrives()
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        var folder = Directory.CreateTempSubdirectory("ev-tus-cfb-");
        try
        {
            // The document's directory straddles the first PATCH's end: what the session keeps of it is continued.
            var document = await File.ReadAllBytesAsync(await SampleDocuments.WriteAsync(folder.FullName, ".doc"));
            var directoryAt = CompoundFileEdits.DirectoryOffset(document);
            var upload = await tus.OpenAsync(document.Length);
            (await tus.PatchAsync(upload, 0, document.AsMemory(0, directoryAt + 200), "md5")).EnsureSuccessStatusCode();
            Assert.Equal(document.AsSpan(directoryAt, 200).ToArray(), (await UploadRowsAsync(vault.CaseId)).Single().GetBinary("Directory"));
            using (var last = await tus.SendRestAsync(upload, document, Chunk))
            {
                Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
            }

            Assert.Equal("application/msword", (await vault.ListItemsAsync()).Single().ContentType);

            // An installer in 64 KiB PATCHes: taken until its directory, at its end, arrives; then refused.
            var installer = await File.ReadAllBytesAsync(await SampleInstallers.WriteAsync(folder.FullName, programBytes: 300_000));
            var refusedUpload = await tus.OpenAsync(installer.Length, new Dictionary<string, string> { ["filename"] = "contract.doc" });
            using var refused = await tus.SendRestAsync(refusedUpload, installer, 64 * 1024);
            using var head = await tus.HeadAsync(refusedUpload);

            await ProblemAssert.IsAsync(refused, 415, "unsupported-evidence-type");
            Assert.Equal(HttpStatusCode.Gone, head.StatusCode);
            var row = (await UploadRowsAsync(vault.CaseId)).Single(r => r.RowKey == refusedUpload.Split('/')[^1]);
            Assert.Equal(("rejected", "unsupported-evidence-type"), (row.GetString("State"), row.GetString("Reason")));
            Assert.True(row.GetInt64("Offset") >= 4 * 64 * 1024);
            Assert.Single(await app.CommittedOriginalsAsync(vault.CaseId)); // the document's alone
            Assert.Single(await vault.ListItemsAsync());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_declared_sha256_that_the_bytes_do_not_have_is_refused_at_the_end_and_nothing_is_committed()
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        var file = IngestTestsPng(2 * Chunk);
        var upload = await tus.OpenAsync(file.Length, new Dictionary<string, string> { ["sha256"] = new string('0', 64) });
        (await tus.PatchAsync(upload, 0, file.AsMemory(0, Chunk))).EnsureSuccessStatusCode();

        using var last = await tus.PatchAsync(upload, Chunk, file.AsMemory(Chunk));

        await ProblemAssert.IsAsync(last, 422, "digest-mismatch");
        Assert.Empty(await app.CommittedBlobsAsync(vault.CaseId));
        Assert.Empty(await app.IndexRowsAsync(vault.CaseId));
        Assert.DoesNotContain(CustodyEventTypes.ItemReceived, await app.CustodyLogAsync(vault.CaseId), StringComparison.Ordinal);
        Assert.Equal("rejected", (await UploadRowsAsync(vault.CaseId)).Single().GetString("State"));
    }

    [Fact]
    public async Task Bytes_the_sender_already_sent_complete_as_that_item_without_a_second_copy_and_a_fellow_victims_as_their_own()
    {
        using var vault = await app.CreateCaseAsync();
        var existing = await vault.UploadItemAsync("screenshot-refund-page.png");
        var tus = new TusClient(vault.Client, vault.CaseId);
        var file = await File.ReadAllBytesAsync(SampleEvidence.PathOf("screenshot-refund-page.png"));
        var upload = await tus.OpenAsync(file.Length);

        using var last = await tus.SendRestAsync(upload, file, Chunk);

        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        Assert.Equal(existing.ItemId, last.Headers.GetValues("X-Evidence-Item-Id").Single());
        Assert.Single(await app.CommittedOriginalsAsync(vault.CaseId));
        Assert.Single(await vault.ListItemsAsync());

        // A fellow victim who sends the same file gets an item of their own, which they can read; never the owner's.
        var (grantId, token) = await ContributorAsync(vault);
        using var fellow = app.ClientWith(token);
        var theirs = new TusClient(fellow, vault.CaseId);
        using var theirLast = await theirs.SendRestAsync(await theirs.OpenAsync(file.Length), file, Chunk);

        Assert.Equal(HttpStatusCode.NoContent, theirLast.StatusCode);
        var theirItemId = theirLast.Headers.GetValues("X-Evidence-Item-Id").Single();
        Assert.NotEqual(existing.ItemId, theirItemId);
        var theirItem = await fellow.GetFromJsonAsync<EvidenceItemRecord>($"/api/cases/{vault.CaseId}/items/{theirItemId}", VaultJson.Compact);
        Assert.Equal((grantId, existing.Sha256), (theirItem!.Contributor, theirItem.Sha256));
        Assert.Equal(2, (await app.CommittedOriginalsAsync(vault.CaseId)).Count);
        Assert.Equal([existing.ItemId, theirItemId], (await vault.ListItemsAsync()).Select(i => i.ItemId));
    }

    [Fact]
    public async Task Uploads_belong_to_the_grant_that_opened_them()
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);
        var upload = await tus.OpenAsync(Chunk);
        var (_, token) = await ContributorAsync(vault);
        using var contributor = app.ClientWith(token);
        var other = new TusClient(contributor, vault.CaseId);

        using var head = await other.HeadAsync(upload);
        using var patch = await other.PatchAsync(upload, 0, IngestTestsPng(Chunk));
        using var delete = await other.DeleteAsync(upload);

        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        await ProblemAssert.IsAsync(patch, 404, "upload-not-found");
        await ProblemAssert.IsAsync(delete, 404, "upload-not-found");
        Assert.Equal(0, await tus.OffsetAsync(upload));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_token_revoked_mid_upload_gets_401_whatever_it_sends_and_the_upload_does_not_move(bool atTheRightOffset)
    {
        using var vault = await app.CreateCaseAsync();
        var (grantId, token) = await ContributorAsync(vault);
        using var contributor = app.PlainClient(token);
        var tus = new TusClient(contributor, vault.CaseId);
        var file = IngestTestsPng(3 * Chunk);
        var upload = await tus.OpenAsync(file.Length);
        (await tus.PatchAsync(upload, 0, file.AsMemory(0, Chunk))).EnsureSuccessStatusCode();
        (await vault.Client.DeleteAsync($"/api/cases/{vault.CaseId}/grants/{grantId}")).EnsureSuccessStatusCode();

        // This instance confirmed the token a moment ago, so the PATCH starts while the token is checked again: its
        // bytes are staged (at the right offset) or it is refused (409 at the wrong one), and either way it hears 401.
        var offset = atTheRightOffset ? Chunk : 2 * Chunk;
        using var first = await tus.PatchAsync(upload, offset, file.AsMemory(offset, Chunk));
        var staged = (await UncommittedBlocksAsync(vault.CaseId)).Count;
        // Once refused, the token is checked before anything: nothing of this PATCH is staged.
        using var again = await tus.PatchAsync(upload, Chunk, file.AsMemory(Chunk, Chunk));

        await ProblemAssert.IsAsync(first, 401, "token-revoked");
        await ProblemAssert.IsAsync(again, 401, "token-revoked");
        Assert.Equal(atTheRightOffset, staged > Chunk / (64 * 1024));
        var row = (await UploadRowsAsync(vault.CaseId)).Single();
        Assert.Equal(((long)Chunk, Chunk / (64 * 1024), "open"), (row.GetInt64("Offset")!.Value, row.GetInt32("BlockCount")!.Value, row.GetString("State")));
        Assert.Equal(staged, (await UncommittedBlocksAsync(vault.CaseId)).Count);
        Assert.Empty(await app.CommittedOriginalsAsync(vault.CaseId));
        Assert.Empty(await vault.ListItemsAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("md5")]
    public async Task Two_clients_resuming_at_the_same_offset_one_wins_the_other_gets_409_and_the_item_is_right(string? algorithm)
    {
        using var vault = await app.CreateCaseAsync();
        using var plain = app.PlainClient(vault.OwnerToken);
        var tus = new TusClient(plain, vault.CaseId);
        var file = IngestTestsPng(3 * Chunk);
        var upload = await tus.OpenAsync(file.Length);
        (await tus.PatchAsync(upload, 0, file.AsMemory(0, Chunk))).EnsureSuccessStatusCode();

        // Both send their first half, then wait until the other has too: the two PATCHes are in the vault at once.
        using var bothStarted = new Barrier(2);
        var checksum = algorithm is null ? null : $"{algorithm} {TusClient.Checksum(algorithm, file.AsSpan(Chunk, Chunk))}";
        var racing = await Task.WhenAll(
            tus.PatchAsync(upload, Chunk, new HeldContent(file.AsMemory(Chunk, Chunk), bothStarted), checksum),
            tus.PatchAsync(upload, Chunk, new HeldContent(file.AsMemory(Chunk, Chunk), bothStarted), checksum));

        Assert.Single(racing, r => r.StatusCode == HttpStatusCode.NoContent);
        var loser = racing.Single(r => r.StatusCode != HttpStatusCode.NoContent);
        await ProblemAssert.IsAsync(loser, 409, "upload-offset-mismatch");
        Assert.Equal(2 * Chunk, await tus.OffsetAsync(upload));

        using var rest = await tus.SendRestAsync(upload, file, Chunk);
        Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        var blob = app.Container.GetBlobClient((await app.CommittedOriginalsAsync(vault.CaseId)).Single());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), Convert.ToHexStringLower(SHA256.HashData((await blob.DownloadContentAsync()).Value.Content.ToArray())));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), (await vault.ListItemsAsync()).Single().Sha256);
        foreach (var r in racing)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task Creation_over_the_case_quota_gets_507()
    {
        using var vault = await app.CreateCaseAsync();
        var tus = new TusClient(vault.Client, vault.CaseId);

        using var response = await tus.CreateAsync(60L * 1024 * 1024 * 1024);

        await ProblemAssert.IsAsync(response, 507, "case-quota-exceeded");
        Assert.Empty(await UploadRowsAsync(vault.CaseId));
    }

    internal static byte[] IngestTestsPng(int length)
    {
        var bytes = Ingest.IngestTests.GeneratedPng(length - 4096);
        return bytes;
    }

    /// <summary>A fellow victim's grant in the case: its id and token.</summary>
    private static async Task<(string GrantId, string Token)> ContributorAsync(TestCase vault)
    {
        using var grant = await vault.Client.PostAsJsonAsync($"/api/cases/{vault.CaseId}/grants", new { role = "contributor", label = "Victim 2" });
        var created = await grant.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return (created.GetProperty("grantId").GetString()!, created.GetProperty("token").GetString()!);
    }

    private async Task<List<TableEntity>> UploadRowsAsync(string caseId)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in app.Table("uploads").QueryAsync<TableEntity>(e => e.PartitionKey == caseId))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The blocks staged but not committed on the blob of the case's one upload; none when storage has no trace of it.</summary>
    private async Task<IReadOnlyList<Azure.Storage.Blobs.Models.BlobBlock>> UncommittedBlocksAsync(string caseId)
    {
        var itemId = (await UploadRowsAsync(caseId)).Single().GetString("ItemId");
        var blob = app.Container.GetBlockBlobClient(Api.Storage.EvidencePaths.Original(caseId, itemId!));
        try
        {
            return [.. (await blob.GetBlockListAsync(Azure.Storage.Blobs.Models.BlockListTypes.Uncommitted)).Value.UncommittedBlocks];
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return [];
        }
    }

    /// <summary>A body of no declared length: sent chunked.</summary>
    private sealed class UnsizedContent(ReadOnlyMemory<byte> bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>A body sent in two halves with a meeting in between.</summary>
    private sealed class HeldContent(ReadOnlyMemory<byte> bytes, Barrier meeting) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var half = bytes.Length / 2;
            await stream.WriteAsync(bytes[..half]);
            await stream.FlushAsync();
            await Task.Run(() => meeting.SignalAndWait(TimeSpan.FromSeconds(30)));
            await stream.WriteAsync(bytes[half..]);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
