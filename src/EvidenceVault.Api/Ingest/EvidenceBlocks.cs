using System.Buffers;
using Microsoft.Extensions.Options;

namespace EvidenceVault.Api.Ingest;

/// <summary>
/// The pool of block buffers every upload reads into. Blocks are rented on a request's thread and returned on
/// storage completions: a shared pool's per-thread caches would miss and allocate afresh, so the vault keeps
/// its own lock-based pool of whole blocks.
/// </summary>
internal sealed class EvidenceBlocks(IOptions<IngestOptions> options)
{
    public ArrayPool<byte> Pool { get; } = ArrayPool<byte>.Create(options.Value.BlockSizeBytes, maxArraysPerBucket: 64);

    public int BlockSize => options.Value.BlockSizeBytes;
}
