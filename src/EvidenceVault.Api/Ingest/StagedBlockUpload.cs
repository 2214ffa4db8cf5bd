using System.Buffers;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace EvidenceVault.Api.Ingest;

/// <summary>
/// Writes one block blob from pooled buffers: each block is staged as soon as it is read (up to a few in flight,
/// so reading the client and writing storage overlap), and the block list is committed only on request, with
/// <c>If-None-Match: *</c> — so a rejected upload commits nothing and an existing blob is never overwritten.
/// Blocks that are never committed are discarded by storage (after 7 days in Azure).
/// </summary>
/// <param name="blob">The blob the blocks belong to.</param>
/// <param name="buffers">The pool the staged buffers go back to.</param>
/// <param name="maxInFlight">Blocks staged concurrently.</param>
/// <param name="blockChecksum">Transfer checksum per block.</param>
/// <param name="blockId">Names the n-th block of this upload; by default its number. Every id of a blob must have the same length.</param>
internal sealed class StagedBlockUpload(
    BlockBlobClient blob, ArrayPool<byte> buffers, int maxInFlight, StorageChecksumAlgorithm blockChecksum, Func<int, string>? blockId = null) : IAsyncDisposable
{
    private readonly Func<int, string> _blockId = blockId ?? SequentialBlockId;

    // A checksum per block: storage refuses a block damaged on the way.
    private readonly BlockBlobStageBlockOptions _stageOptions = new()
    {
        TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = blockChecksum },
    };

    private readonly List<string> _blockIds = [];
    private readonly List<Task> _inFlight = [];

    /// <summary>
    /// Stages <paramref name="count"/> bytes of <paramref name="rentedBuffer"/>. The buffer goes back to the pool once it
    /// is staged and <paramref name="alsoReading"/> (the hash over the same bytes) has finished with it.
    /// </summary>
    public async Task StageAsync(byte[] rentedBuffer, int count, Task alsoReading, CancellationToken cancellationToken)
    {
        await WaitForRoomAsync(rentedBuffer, alsoReading);
        var id = NextBlockId();
        // On the pool: the SDK computes the block's transport checksum before its first await, which would otherwise
        // hold up the reading of the next block.
        _inFlight.Add(Task.Run(() => StageOneAsync(id, rentedBuffer, count, alsoReading, _stageOptions, cancellationToken), CancellationToken.None));
    }

    /// <summary>Waits until fewer than the maximum blocks are in flight; on failure the buffer goes back to the pool.</summary>
    private async Task WaitForRoomAsync(byte[] rentedBuffer, Task alsoReading)
    {
        try
        {
            while (_inFlight.Count >= maxInFlight)
            {
                var finished = await Task.WhenAny(_inFlight);
                _inFlight.Remove(finished);
                await finished;
            }
        }
        catch
        {
            await alsoReading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            buffers.Return(rentedBuffer);
            throw;
        }
    }

    private string NextBlockId()
    {
        var id = _blockId(_blockIds.Count);
        _blockIds.Add(id);
        return id;
    }

    /// <summary>
    /// Stages <paramref name="count"/> bytes of <paramref name="rentedBuffer"/> whose transport checksum was computed
    /// as they arrived (<see cref="BlockChecksum"/>); the request goes out at once.
    /// </summary>
    public async Task StageAsync(byte[] rentedBuffer, int count, BlockChecksum checksum, Task alsoReading, CancellationToken cancellationToken)
    {
        await WaitForRoomAsync(rentedBuffer, alsoReading);
        var options = checksum.Algorithm == StorageChecksumAlgorithm.None ? _stageOptions : new BlockBlobStageBlockOptions
        {
            TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = checksum.Algorithm, PrecalculatedChecksum = checksum.Finish() },
        };
        _inFlight.Add(StageOneAsync(NextBlockId(), rentedBuffer, count, alsoReading, options, cancellationToken));
    }

    /// <summary>The ids of the blocks staged so far, in order.</summary>
    public IReadOnlyList<string> BlockIds => _blockIds;

    /// <summary>Waits until every staged block is stored.</summary>
    public async Task FlushAsync()
    {
        await Task.WhenAll(_inFlight);
        _inFlight.Clear();
    }

    /// <summary>Commits the staged blocks as a new blob; fails with 409/412 if the blob already exists.</summary>
    public async Task CommitAsync(BlobHttpHeaders headers, IDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        await FlushAsync();
        await CommitAsync(blob, _blockIds, headers, metadata, cancellationToken);
    }

    /// <summary>Commits <paramref name="blockIds"/> as a new blob, write-once; fails with 409/412 if the blob already exists.</summary>
    public static async Task CommitAsync(
        BlockBlobClient blob, IEnumerable<string> blockIds, BlobHttpHeaders headers, IDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        await blob.CommitBlockListAsync(blockIds, new CommitBlockListOptions
        {
            HttpHeaders = headers,
            Metadata = metadata,
            // Passing options drops the SDK's default condition: write-once must be stated here.
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        }, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(_inFlight);
        }
        catch (Exception)
        {
            // The ingest already failed and reports its own error; this only waits so no buffer is still in use.
        }
    }

    private static string SequentialBlockId(int index) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(index.ToString("D8", CultureInfo.InvariantCulture)));

    private async Task StageOneAsync(string blockId, byte[] buffer, int count, Task alsoReading, BlockBlobStageBlockOptions options, CancellationToken cancellationToken)
    {
        try
        {
            using var content = new MemoryStream(buffer, 0, count, writable: false);
            await blob.StageBlockAsync(blockId, content, options, cancellationToken);
        }
        finally
        {
            await alsoReading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            buffers.Return(buffer);
        }
    }
}
