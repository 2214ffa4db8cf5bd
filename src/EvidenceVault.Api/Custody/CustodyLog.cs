using System.Collections.Concurrent;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using EvidenceVault.Api.Storage;
using EvidenceVault.Custody;

namespace EvidenceVault.Api.Custody;

/// <summary>What to record; the log adds the sequence number, the time and the link to the previous line.</summary>
/// <param name="Type">One of <see cref="CustodyEventTypes"/>.</param>
/// <param name="Actor">The acting grant id.</param>
/// <param name="ItemId">The item, if any.</param>
/// <param name="Sha256">The item's SHA-256, if any.</param>
/// <param name="Size">The item's size, if any.</param>
/// <param name="Details">Further facts.</param>
internal sealed record CustodyEntry(
    string Type,
    string? Actor,
    string? ItemId = null,
    string? Sha256 = null,
    long? Size = null,
    IReadOnlyDictionary<string, string>? Details = null);

/// <summary>The log's state after a line: its head and the log's length in bytes.</summary>
internal sealed record CustodyPosition(CustodyHead Head, long Length);

/// <summary>
/// The chain-of-custody log of each case: an append blob <c>cases/{caseId}/custody.log</c> of JSON lines. Every
/// append is conditional on the log's current length (<c>If-Append-Position-Equal</c>), so writers racing on one
/// case — forty victims uploading at once — each either extend the line they read or re-read and retry: one
/// linear chain, no lock, no lost event. The head is cached per case and re-read only when another writer moved it.
/// </summary>
internal sealed class CustodyLog(VaultStorage storage, TimeProvider clock)
{
    private const int MaxAttempts = 50;
    private const int TailBytes = 16 * 1024;
    private readonly ConcurrentDictionary<string, CustodyPosition> _positions = new(StringComparer.Ordinal);

    /// <summary>Creates the (empty) log of a new case; never overwrites one.</summary>
    public async Task CreateAsync(string caseId, CancellationToken cancellationToken)
    {
        var blob = storage.AppendBlob(EvidencePaths.CustodyLog(caseId));
        await blob.CreateAsync(new AppendBlobCreateOptions
        {
            Conditions = new AppendBlobRequestConditions { IfNoneMatch = ETag.All },
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/jsonl; charset=utf-8" },
        }, cancellationToken);
        _positions[caseId] = new CustodyPosition(CustodyHead.Empty, 0);
    }

    /// <summary>Appends one event and returns it with the log's new position.</summary>
    public async Task<(CustodyEvent Event, CustodyPosition Position)> AppendAsync(string caseId, CustodyEntry entry, CancellationToken cancellationToken)
    {
        var blob = storage.AppendBlob(EvidencePaths.CustodyLog(caseId));
        var position = _positions.TryGetValue(caseId, out var cached) ? cached : await ReadPositionAsync(caseId, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var custodyEvent = new CustodyEvent
            {
                Seq = position.Head.Seq + 1,
                At = clock.GetUtcNow(),
                Type = entry.Type,
                CaseId = caseId,
                Actor = entry.Actor,
                ItemId = entry.ItemId,
                Sha256 = entry.Sha256,
                Size = entry.Size,
                Details = entry.Details,
                Prev = position.Head.Hash.Hex,
            };
            var line = custodyEvent.ToLine();
            var bytes = Encoding.UTF8.GetBytes(line + "\n");
            if (bytes.Length > TailBytes)
            {
                throw new InvalidOperationException("A custody line must stay below 16 KiB.");
            }

            try
            {
                using var content = new MemoryStream(bytes, writable: false);
                await blob.AppendBlockAsync(content, new AppendBlobAppendBlockOptions
                {
                    Conditions = new AppendBlobRequestConditions { IfAppendPositionEqual = position.Length },
                }, cancellationToken);
                var next = new CustodyPosition(new CustodyHead(custodyEvent.Seq, CustodyEvent.HashLine(line)), position.Length + bytes.Length);
                _positions[caseId] = next;
                return (custodyEvent, next);
            }
            catch (RequestFailedException e) when (e.Status == StatusCodes.Status412PreconditionFailed && attempt < MaxAttempts)
            {
                // Another writer appended first: extend its line instead.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)), clock, cancellationToken);
                position = await ReadPositionAsync(caseId, cancellationToken);
            }
        }
    }

    /// <summary>Reads the log's current position from storage (the length, and the last line's seq and hash).</summary>
    public async Task<CustodyPosition> ReadPositionAsync(string caseId, CancellationToken cancellationToken)
    {
        var blob = storage.AppendBlob(EvidencePaths.CustodyLog(caseId));
        var length = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value.ContentLength;
        if (length == 0)
        {
            return new CustodyPosition(CustodyHead.Empty, 0);
        }

        var start = Math.Max(0, length - TailBytes);
        var tail = await blob.DownloadContentAsync(new BlobDownloadOptions { Range = new HttpRange(start, length - start) }, cancellationToken);
        var text = Encoding.UTF8.GetString(tail.Value.Content.ToMemory().Span).TrimEnd('\n');
        var lastLine = text[(text.LastIndexOf('\n') + 1)..];
        var last = CustodyEvent.Parse(lastLine);
        var position = new CustodyPosition(new CustodyHead(last.Seq, CustodyEvent.HashLine(lastLine)), length);
        _positions[caseId] = position;
        return position;
    }

    /// <summary>Opens the log's bytes up to <paramref name="length"/> (a position read earlier), for export.</summary>
    public async Task<Stream> OpenReadAsync(string caseId, long length, CancellationToken cancellationToken)
    {
        var blob = storage.AppendBlob(EvidencePaths.CustodyLog(caseId));
        var download = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(0, length) }, cancellationToken);
        return download.Value.Content;
    }
}
