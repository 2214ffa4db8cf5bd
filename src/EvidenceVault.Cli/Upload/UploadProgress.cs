using System.Diagnostics;
using System.Globalization;

namespace EvidenceVault.Cli.Upload;

/// <summary>
/// A progress bar on a terminal (redrawn in place), or a line per 10 % when the output is a file or a pipe.
/// </summary>
internal sealed class UploadProgress(TextWriter output, bool interactive, long total)
{
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private long _startOffset = -1;
    private int _lastTenth = -1;

    public void Report(long sent)
    {
        if (_startOffset < 0)
        {
            _startOffset = sent;
        }

        var fraction = total == 0 ? 1 : (double)sent / total;
        var rate = (sent - _startOffset) / Math.Max(0.001, _elapsed.Elapsed.TotalSeconds);
        var text = string.Create(CultureInfo.InvariantCulture, $"{Megabytes(sent)}/{Megabytes(total)} MB {fraction * 100,5:0.0}% {Megabytes((long)rate),6} MB/s");
        if (interactive)
        {
            var filled = (int)(fraction * 30);
            output.Write($"\r[{new string('#', filled)}{new string('-', 30 - filled)}] {text}");
            if (sent == total)
            {
                output.WriteLine();
            }
        }
        else if ((int)(fraction * 10) is var tenth && tenth != _lastTenth)
        {
            _lastTenth = tenth;
            output.WriteLine(text);
        }
    }

    private static string Megabytes(long bytes) => (bytes / 1_000_000.0).ToString("0.0", CultureInfo.InvariantCulture);
}
