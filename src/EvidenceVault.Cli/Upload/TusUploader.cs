using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace EvidenceVault.Cli.Upload;

/// <summary>The vault refused the upload (a 4xx problem); sending it again will not help.</summary>
internal sealed class UploadRefusedException(int status, string? problemType, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string? ProblemType { get; } = problemType;
}

/// <summary>The vault could not be reached for long enough; the upload stays resumable.</summary>
internal sealed class VaultUnreachableException(string message, Exception? inner) : Exception(message, inner);

/// <summary>
/// A tus 1.0.0 client for the vault: creation with metadata, PATCH in chunks with an MD5 Upload-Checksum
/// each, and after any network failure or 5xx a pause, a HEAD for the offset, and on from there. Two chunk
/// buffers (pooled) whatever the file's size: one being sent, one being read ahead.
/// </summary>
/// <remarks>
/// The MD5 only checks that a chunk arrived intact: the vault hands it to storage as the chunk's block checksum, so
/// storage itself refuses a chunk damaged anywhere on the way, and the vault passes the chunk on as it arrives
/// instead of reading it into blocks first. The evidence itself is identified by the SHA-256 of the whole file,
/// declared in the upload's metadata and checked by the vault at the end.
/// </remarks>
internal sealed class TusUploader(HttpClient http, TimeSpan[] retryDelays)
{
    public const string TusVersion = "1.0.0";

    /// <summary>Opens an upload; returns its absolute URL.</summary>
    public async Task<Uri> CreateAsync(Uri endpoint, long length, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        return await WithRetriesAsync(async () =>
        {
            using var request = Request(HttpMethod.Post, endpoint);
            request.Headers.Add("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("Upload-Metadata", string.Join(',', metadata.Select(m => $"{m.Key} {Convert.ToBase64String(Encoding.UTF8.GetBytes(m.Value))}")));
            using var response = await http.SendAsync(request, cancellationToken);
            await EnsureAcceptedAsync(response, cancellationToken);
            return new Uri(endpoint, response.Headers.Location ?? throw new UploadRefusedException(500, null, "The vault answered without a Location."));
        }, cancellationToken);
    }

    /// <summary>The upload's offset; null when the vault no longer has it (expired, terminated, another token).</summary>
    public async Task<long?> OffsetAsync(Uri upload, CancellationToken cancellationToken) =>
        await WithRetriesAsync(async () =>
        {
            using var request = Request(HttpMethod.Head, upload);
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            {
                return (long?)null;
            }

            await EnsureAcceptedAsync(response, cancellationToken);
            return long.Parse(response.Headers.GetValues("Upload-Offset").Single(), CultureInfo.InvariantCulture);
        }, cancellationToken);

    /// <summary>Sends the file from <paramref name="offset"/> to its end; returns the item id the vault gave it.</summary>
    /// <remarks>
    /// While one chunk is on its way, the next is read and hashed into the second buffer, so the vault's answer is
    /// followed by the next request at once. A read-ahead is used only if the vault's new offset is where it starts.
    /// </remarks>
    public async Task<string> SendAsync(Uri upload, Stream file, long offset, int chunkSize, Action<long> progress, CancellationToken cancellationToken)
    {
        byte[][] buffers = [ArrayPool<byte>.Shared.Rent(chunkSize), ArrayPool<byte>.Shared.Rent(chunkSize)];
        Task<Chunk>? ahead = null;
        try
        {
            var length = file.Length;
            progress(offset);
            string? itemId = null;
            var failures = 0;
            while (offset < length)
            {
                // A read-ahead that is not where the vault stands has finished, so either buffer is free for this chunk.
                var readAhead = ahead is null ? null : await ahead;
                var chunk = readAhead?.Offset == offset ? readAhead : await ReadChunkAsync(file, offset, length, buffers[0], chunkSize, cancellationToken);
                var following = offset + chunk.Count;
                ahead = following < length ? ReadChunkAsync(file, following, length, chunk.Buffer == buffers[0] ? buffers[1] : buffers[0], chunkSize, cancellationToken) : null;
                try
                {
                    using var request = Request(HttpMethod.Patch, upload);
                    request.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
                    request.Headers.Add("Upload-Checksum", "md5 " + Convert.ToBase64String(chunk.Md5));
                    request.Content = new ReadOnlyMemoryContent(chunk.Buffer.AsMemory(0, chunk.Count));
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
                    using var response = await http.SendAsync(request, cancellationToken);
                    if (IsRetryable(response.StatusCode))
                    {
                        throw new HttpRequestException($"The vault answered {(int)response.StatusCode}.", null, response.StatusCode);
                    }

                    await EnsureAcceptedAsync(response, cancellationToken);
                    offset = long.Parse(response.Headers.GetValues("Upload-Offset").Single(), CultureInfo.InvariantCulture);
                    itemId = response.Headers.TryGetValues("X-Evidence-Item-Id", out var item) ? item.Single() : null;
                    failures = 0;
                    progress(offset);
                }
                catch (Exception e) when (IsTransient(e, cancellationToken))
                {
                    if (failures == retryDelays.Length)
                    {
                        throw new VaultUnreachableException($"The vault stopped answering at {offset} of {length} bytes.", e);
                    }

                    await Task.Delay(retryDelays[failures++], cancellationToken);
                    offset = await OffsetAsync(upload, cancellationToken)
                        ?? throw new UploadRefusedException(410, null, "The vault no longer has this upload; start it again.");
                }
            }

            return itemId ?? await CompletedItemAsync(upload, cancellationToken);
        }
        finally
        {
            if (ahead is not null)
            {
                await ((Task)ahead).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            Array.ForEach(buffers, b => ArrayPool<byte>.Shared.Return(b));
        }
    }

    /// <summary>Reads the chunk at <paramref name="offset"/> into <paramref name="buffer"/> and hashes it for <c>Upload-Checksum</c>.</summary>
    private static async Task<Chunk> ReadChunkAsync(Stream file, long offset, long length, byte[] buffer, int chunkSize, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var count = (int)Math.Min(chunkSize, length - offset);
        file.Position = offset;
        await file.ReadExactlyAsync(buffer.AsMemory(0, count), cancellationToken);
        // A transfer checksum storage verifies, not the evidence's identity (see the class remarks).
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        md5.AppendData(buffer.AsSpan(0, count));
        return new Chunk(offset, buffer, count, md5.GetHashAndReset());
    }

    private sealed record Chunk(long Offset, byte[] Buffer, int Count, byte[] Md5);

    /// <summary>The item an upload became, when the answer that named it was lost (it may still be completing).</summary>
    public async Task<string> CompletedItemAsync(Uri upload, CancellationToken cancellationToken)
    {
        foreach (var delay in retryDelays.Prepend(TimeSpan.Zero))
        {
            await Task.Delay(delay, cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Get, upload);
            using var response = await http.SendAsync(request, cancellationToken);
            await EnsureAcceptedAsync(response, cancellationToken);
            using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if (status.RootElement.TryGetProperty("itemId", out var itemId) && itemId.GetString() is { } id)
            {
                return id;
            }
        }

        throw new VaultUnreachableException("Every byte is in, but the vault has not finished the item yet; run the command again to see it.", null);
    }

    private static HttpRequestMessage Request(HttpMethod method, Uri uri)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Add("Tus-Resumable", TusVersion);
        return request;
    }

    private async Task<T> WithRetriesAsync<T>(Func<Task<T>> attempt, CancellationToken cancellationToken)
    {
        for (var failures = 0; ; failures++)
        {
            try
            {
                return await attempt();
            }
            catch (Exception e) when (IsTransient(e, cancellationToken) && failures < retryDelays.Length)
            {
                await Task.Delay(retryDelays[failures], cancellationToken);
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                throw new VaultUnreachableException("The vault cannot be reached.", e);
            }
        }
    }

    private static bool IsRetryable(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.Conflict or HttpStatusCode.Locked or HttpStatusCode.TooManyRequests or (HttpStatusCode)460;

    private static bool IsTransient(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException or IOException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested);

    private static async Task EnsureAcceptedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        if (IsRetryable(response.StatusCode))
        {
            throw new HttpRequestException($"The vault answered {(int)response.StatusCode}.", null, response.StatusCode);
        }

        var (type, detail) = await VaultConnection.ReadProblemAsync(response, $"The vault refused the upload ({(int)response.StatusCode}).", cancellationToken);
        throw new UploadRefusedException((int)response.StatusCode, type, detail);
    }
}
