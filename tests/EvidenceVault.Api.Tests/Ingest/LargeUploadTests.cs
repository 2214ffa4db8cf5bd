using System.Net;
using System.Security.Cryptography;
using EvidenceVault.Api.Tests.Infrastructure;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;
using Xunit.Abstractions;

namespace EvidenceVault.Api.Tests.Ingest;

/// <summary>A 100 MB recording goes through in constant memory: measured, not assumed.</summary>
[Collection(VaultOnAzurite.Name)]
public sealed class LargeUploadTests(VaultOnKestrel app, ITestOutputHelper output) : IClassFixture<VaultOnKestrel>
{
    private const long Size = 100L * 1024 * 1024;

    [Fact]
    public async Task Upload_100MB_AllocatesFarLessThanTheFileAndHashesRight()
    {
        using var vault = await app.CreateCaseAsync();
        using var client = app.PlainClient(vault.OwnerToken);
        var path = $"/api/cases/{vault.CaseId}/items";
        using var warmup = await client.PostAsync(path, new StreamContent(new GeneratedVideo(20L * 1024 * 1024, seed: 1)));
        Assert.Equal(HttpStatusCode.Created, warmup.StatusCode);

        // The counter is the whole process's, and test classes outside this collection run meanwhile: the least of
        // two uploads is the vault's own. Whole-file buffering anywhere would show in both.
        var measured = new List<long>();
        foreach (var seed in new[] { 2, 3 })
        {
            var body = new GeneratedVideo(Size, seed);
            GC.Collect();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            using var response = await client.PostAsync(path, new StreamContent(body, 81920));
            measured.Add(GC.GetTotalAllocatedBytes(precise: true) - before);

            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var item = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<EvidenceItemRecord>(response.Content, VaultJson.Compact);
            Assert.Equal(Size, item!.Size);
            Assert.Equal(body.Sha256Hex, item.Sha256);
        }

        output.WriteLine($"100 MB uploads: {string.Join(" and ", measured.Select(a => $"{a / (1024.0 * 1024):F1} MB"))} allocated in this process (client, Kestrel and vault together)");
        Assert.True(measured.Min() < Size / 4, $"allocated {measured.Min()} bytes for a {Size}-byte upload");
    }

    /// <summary>An MP4-shaped stream of pseudo-random bytes, generated on the fly, hashed as it is read.</summary>
    private sealed class GeneratedVideo(long length, int seed) : Stream
    {
        private readonly Random _random = new(seed);
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _position;
        private string? _sha;

        public string Sha256Hex => _sha ?? throw new InvalidOperationException("The stream was not read to its end.");

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            var chunk = buffer[..n];
            _random.NextBytes(chunk);
            ReadOnlySpan<byte> ftyp = [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m'];
            for (var i = 0; i < n && _position + i < ftyp.Length; i++)
            {
                chunk[i] = ftyp[(int)_position + i];
            }

            _hash.AppendData(chunk);
            _position += n;
            if (_position == length)
            {
                _sha ??= Convert.ToHexStringLower(_hash.GetHashAndReset());
            }

            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

        public override void Flush() => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
