using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EvidenceVault.Api.Hosting;

/// <summary>
/// The memory Kestrel's socket transport reads requests into and writes responses from, in 64 KiB blocks.
/// </summary>
/// <remarks>
/// Kestrel's own pool hands out 4 KiB blocks, and its socket transport receives into one block at a time, so an
/// 8 MiB upload chunk costs some 2,000 receive calls. Evidence arrives in megabytes, and on a virtual machine each
/// system call is dear: measured on loopback here, receiving 8 MiB requests took 35 ms of CPU each with 4 KiB
/// blocks and 8 ms with 64 KiB blocks (client and server together), 4× the throughput. Larger blocks gained little
/// more. Idle connections hold no block (Kestrel waits for data before it takes one), and a connection's buffered
/// request body is bounded by Kestrel's request buffer limit (1 MiB), whatever the block size.
/// </remarks>
internal sealed class TransportBlockPool(int blockSize = TransportBlockPool.DefaultBlockSize, int maxRetainedBlocks = TransportBlockPool.DefaultMaxRetainedBlocks)
    : MemoryPool<byte>
{
    public const int DefaultBlockSize = 64 * 1024;

    /// <summary>Free blocks kept for reuse (64 MiB); blocks returned beyond that are left to the garbage collector.</summary>
    public const int DefaultMaxRetainedBlocks = 1024;

    private readonly ConcurrentQueue<byte[]> _free = new();
    private int _retained;
    private long _created;

    public override int MaxBufferSize => blockSize;

    /// <summary>Blocks this pool has allocated so far (reused ones are not counted again).</summary>
    public long BlocksCreated => Interlocked.Read(ref _created);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, blockSize);
        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _retained);
        }
        else
        {
            // Pinned, as Kestrel's own blocks are: the socket layer pins them for every receive and send anyway.
            block = GC.AllocateUninitializedArray<byte>(blockSize, pinned: true);
            Interlocked.Increment(ref _created);
        }

        return new Lease(this, block);
    }

    protected override void Dispose(bool disposing) => _free.Clear();

    private void Return(byte[] block)
    {
        if (Interlocked.Increment(ref _retained) <= maxRetainedBlocks)
        {
            _free.Enqueue(block);
        }
        else
        {
            Interlocked.Decrement(ref _retained);
        }
    }

    private sealed class Lease(TransportBlockPool pool, byte[] block) : IMemoryOwner<byte>
    {
        private byte[]? _block = block;

        public Memory<byte> Memory => _block ?? throw new ObjectDisposedException(nameof(TransportBlockPool));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _block, null) is { } returned)
            {
                pool.Return(returned);
            }
        }
    }
}

/// <summary>Gives Kestrel's transport <see cref="TransportBlockPool"/>s instead of its 4 KiB-block pools.</summary>
internal sealed partial class TransportBlockPoolFactory(ILogger<TransportBlockPoolFactory> logger) : IMemoryPoolFactory<byte>
{
    private readonly ConcurrentQueue<TransportBlockPool> _pools = new();

    /// <summary>Blocks allocated by every pool Kestrel took from this factory; a test reads it to see the wiring holds.</summary>
    public long BlocksCreated => _pools.Sum(pool => pool.BlocksCreated);

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null)
    {
        var pool = new TransportBlockPool();
        _pools.Enqueue(pool);
        LogCreated(logger, pool.MaxBufferSize);
        return pool;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Requests are received into {BlockBytes}-byte transport blocks.")]
    private static partial void LogCreated(ILogger logger, int blockBytes);
}

internal static class TransportBlocks
{
    /// <summary>
    /// Registers <see cref="TransportBlockPoolFactory"/> as the memory pool factory. Kestrel takes the last one
    /// registered, so this must come after Kestrel's own services.
    /// </summary>
    public static IServiceCollection AddTransportBlocks(this IServiceCollection services)
    {
        services.TryAddSingleton<TransportBlockPoolFactory>();
        return services.AddSingleton<IMemoryPoolFactory<byte>>(provider => provider.GetRequiredService<TransportBlockPoolFactory>());
    }
}
