using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EvidenceVault.Api.Tests.Uploads;

/// <summary>tus 1.0.0 requests written out by hand, to drive the protocol's edges one request at a time.</summary>
internal sealed class TusClient(HttpClient client, string caseId)
{
    public HttpClient Http => client;

    public async Task<HttpResponseMessage> CreateAsync(long length, IReadOnlyDictionary<string, string>? metadata = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = Request(HttpMethod.Post, $"/api/cases/{caseId}/uploads");
        request.Headers.Add("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
        if (metadata is not null)
        {
            request.Headers.Add("Upload-Metadata", Metadata(metadata));
        }

        configure?.Invoke(request);
        return await client.SendAsync(request);
    }

    /// <summary>Opens an upload and returns its path.</summary>
    public async Task<string> OpenAsync(long length, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var response = await CreateAsync(length, metadata);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return response.Headers.Location!.OriginalString;
    }

    public async Task<HttpResponseMessage> HeadAsync(string upload)
    {
        using var request = Request(HttpMethod.Head, upload);
        return await client.SendAsync(request);
    }

    public async Task<long> OffsetAsync(string upload)
    {
        using var response = await HeadAsync(upload);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return long.Parse(response.Headers.GetValues("Upload-Offset").Single(), CultureInfo.InvariantCulture);
    }

    public Task<HttpResponseMessage> PatchAsync(string upload, long offset, ReadOnlyMemory<byte> chunk, string? checksumAlgorithm = null, bool viaMethodOverride = false) =>
        PatchAsync(upload, offset, new ReadOnlyMemoryContent(chunk), checksumAlgorithm is null ? null : $"{checksumAlgorithm} {Checksum(checksumAlgorithm, chunk.Span)}", viaMethodOverride: viaMethodOverride);

    public async Task<HttpResponseMessage> PatchAsync(
        string upload, long offset, HttpContent body, string? checksumHeader = null, string contentType = "application/offset+octet-stream", bool viaMethodOverride = false, bool expectContinue = false)
    {
        using var request = Request(HttpMethod.Patch, upload, viaMethodOverride);
        request.Content = body;
        request.Headers.ExpectContinue = expectContinue ? true : null;
        request.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        if (checksumHeader is not null)
        {
            request.Headers.Add("Upload-Checksum", checksumHeader);
        }

        return await client.SendAsync(request);
    }

    /// <summary>PATCHes <paramref name="file"/> from the upload's offset in chunks and returns the last response.</summary>
    public async Task<HttpResponseMessage> SendRestAsync(string upload, byte[] file, int chunkSize, string checksumAlgorithm = "sha1")
    {
        var offset = await OffsetAsync(upload);
        while (true)
        {
            var size = (int)Math.Min(chunkSize, file.Length - offset);
            var response = await PatchAsync(upload, offset, file.AsMemory((int)offset, size), checksumAlgorithm);
            if (response.StatusCode != System.Net.HttpStatusCode.NoContent || offset + size == file.Length)
            {
                return response;
            }

            offset += size;
            response.Dispose();
        }
    }

    public async Task<HttpResponseMessage> DeleteAsync(string upload, bool viaMethodOverride = false)
    {
        using var request = Request(HttpMethod.Delete, upload, viaMethodOverride);
        return await client.SendAsync(request);
    }

    /// <summary>
    /// A tus request to the upload; <paramref name="viaMethodOverride"/> sends it as a POST naming the method in
    /// <c>X-HTTP-Method-Override</c>, as clients that cannot send PATCH or DELETE do.
    /// </summary>
    private static HttpRequestMessage Request(HttpMethod method, string upload, bool viaMethodOverride = false)
    {
        var request = new HttpRequestMessage(viaMethodOverride ? HttpMethod.Post : method, upload);
        if (viaMethodOverride)
        {
            request.Headers.Add("X-HTTP-Method-Override", method.Method);
        }

        request.Headers.Add("Tus-Resumable", "1.0.0");
        return request;
    }

    public static string Metadata(IReadOnlyDictionary<string, string> metadata) =>
        string.Join(',', metadata.Select(m => $"{m.Key} {Convert.ToBase64String(Encoding.UTF8.GetBytes(m.Value))}"));

    public static string Checksum(string algorithm, ReadOnlySpan<byte> data) => Convert.ToBase64String(algorithm switch
    {
#pragma warning disable CA5350 // SHA-1 is what tus clients send as a transport checksum.
        "sha1" => SHA1.HashData(data),
#pragma warning restore CA5350
        "sha256" => SHA256.HashData(data),
#pragma warning disable CA5351 // MD5 is the chunk checksum storage itself checks.
        "md5" => MD5.HashData(data),
#pragma warning restore CA5351
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    });
}
