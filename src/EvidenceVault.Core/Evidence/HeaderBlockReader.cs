using System.Text;

namespace EvidenceVault.Evidence;

/// <summary>
/// Reads header lines (CRLF or LF) — an MHTML header block, a WARC record's — and skips or reads bodies, never more
/// than <c>limit</c> bytes in all.
/// </summary>
internal sealed class HeaderBlockReader(Stream stream, long limit)
{
    /// <summary>The longest header line, and header block, read.</summary>
    public const int MaxHeaderBytes = 64 * 1024;

    private readonly byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;
    private long _consumed;

    /// <summary>How many bytes of the stream have been read or skipped so far.</summary>
    public long Consumed => _consumed - (_end - _start);

    /// <summary>The next WARC record's header fields (after the blank lines that end the previous record); null at the end.</summary>
    /// <exception cref="InvalidDataException">What follows is not a WARC record.</exception>
    public async Task<Dictionary<string, string>?> ReadWarcHeaderAsync(CancellationToken cancellationToken)
    {
        var version = await ReadLineAsync(cancellationToken);
        while (version is { Length: 0 })
        {
            version = await ReadLineAsync(cancellationToken);
        }

        if (version is null)
        {
            return null;
        }

        return version.StartsWith("WARC/", StringComparison.Ordinal)
            ? await ReadHeaderBlockAsync(cancellationToken)
            : throw new InvalidDataException("Something other than a WARC record.");
    }

    /// <summary>Header lines up to the first empty one, folded lines joined; the first of a repeated name wins.</summary>
    public async Task<Dictionary<string, string>> ReadHeaderBlockAsync(CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? name = null;
        long blockBytes = 0;
        while (await ReadLineAsync(cancellationToken) is { Length: > 0 } line)
        {
            blockBytes += line.Length;
            if (blockBytes > MaxHeaderBytes)
            {
                throw new InvalidDataException("The header block is too long.");
            }

            if (line[0] is ' ' or '\t')
            {
                if (name is not null)
                {
                    headers[name] += " " + line.Trim();
                }

                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new InvalidDataException("A header line has no name.");
            }

            name = line[..colon].Trim();
            if (!headers.TryAdd(name, line[(colon + 1)..].Trim()))
            {
                name = null; // a repeated header: keep the first, ignore its continuations
            }
        }

        return headers;
    }

    /// <summary>The next line without its line break; null at the end of the stream.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                return line.Count == 0 ? null : Decode(line);
            }

            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            var stop = newline < 0 ? _end : newline;
            line.AddRange(_buffer.AsSpan(_start, stop - _start));
            if (line.Count > MaxHeaderBytes)
            {
                throw new InvalidDataException("A header line is too long.");
            }

            _start = newline < 0 ? _end : newline + 1;
            if (newline >= 0)
            {
                if (line.Count > 0 && line[^1] == '\r')
                {
                    line.RemoveAt(line.Count - 1);
                }

                return Decode(line);
            }
        }
    }

    /// <summary>The next <paramref name="count"/> bytes (a small record's body); fewer when the stream ends first.</summary>
    public async Task<byte[]> ReadBytesAsync(int count, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>(count);
        while (bytes.Count < count)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                break;
            }

            var take = Math.Min(count - bytes.Count, _end - _start);
            bytes.AddRange(_buffer.AsSpan(_start, take));
            _start += take;
        }

        return [.. bytes];
    }

    /// <summary>Skips <paramref name="count"/> bytes (a record's body).</summary>
    public async Task SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                return;
            }

            var take = (int)Math.Min(count, _end - _start);
            _start += take;
            count -= take;
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_consumed >= limit)
        {
            throw new InvalidDataException("Nothing found within the bytes the reader may look at.");
        }

        _start = 0;
        _end = await stream.ReadAsync(_buffer.AsMemory(0, (int)Math.Min(_buffer.Length, limit - _consumed)), cancellationToken);
        _consumed += _end;
        return _end > 0;
    }

    private static string Decode(List<byte> line) => Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(line));
}
