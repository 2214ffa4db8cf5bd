using System.Diagnostics;
using System.Globalization;

namespace EvidenceVault.Benchmarks;

/// <summary>
/// The wall time of each chunk of a one-chunk-at-a-time upload, summed up by quarter of the upload: whether a chunk
/// costs the same at the end of a 2 GiB blob as at its start. (On the in-memory Azurite it does not: it slows as it
/// fills, and a chunk sent alone waits through all of that, where eight blocks in flight overlap it.)
/// </summary>
internal sealed class ChunkTimes
{
    private readonly List<double> _milliseconds = [];
    private long _started;

    /// <summary>Marks the start of the next chunk.</summary>
    public void Start() => _started = Stopwatch.GetTimestamp();

    /// <summary>Records the chunk started last as done.</summary>
    public void Stop() => _milliseconds.Add(Stopwatch.GetElapsedTime(_started).TotalMilliseconds);

    /// <summary>The median chunk time of each quarter of the upload, in order: <c>38, 48, 64, 67</c>.</summary>
    public string QuarterMedians()
    {
        var quarter = _milliseconds.Count / 4;
        return quarter == 0
            ? "too few chunks"
            : string.Join(", ", Enumerable.Range(0, 4).Select(i =>
                _milliseconds.Skip(i * quarter).Take(quarter).Order().ElementAt(quarter / 2).ToString("F0", CultureInfo.InvariantCulture)));
    }
}
