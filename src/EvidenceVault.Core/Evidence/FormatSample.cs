namespace EvidenceVault.Evidence;

/// <summary>
/// The bytes a file's format is recognised by, gathered as the file streams past in order — in one request or over
/// many: its first <see cref="EvidenceFormatDetector.HeadLength"/> bytes and, for a compound file (an Office 97–2003
/// document, an Outlook message, or an installer), the first <see cref="DirectoryLength"/> bytes of its directory, wherever
/// the header says it lies. A resumable upload keeps both in its session, so recognition continues on any instance;
/// nothing else of the file is kept.
/// </summary>
public sealed class FormatSample
{
    /// <summary>How many bytes of a compound file's directory recognition looks at.</summary>
    public const int DirectoryLength = CompoundFiles.DirectoryLength;

    private readonly long? _length;
    private readonly byte[] _head;
    private int _headFilled;
    private long? _directoryOffset;
    private byte[] _directory = [];
    private int _directoryFilled;
    private long _position;

    /// <summary>A sample of a file yet to stream past, of <paramref name="length"/> bytes when that is known.</summary>
    public FormatSample(long? length = null)
        : this(length, 0, [], [])
    {
    }

    /// <summary>
    /// The sample of a file of which the first <paramref name="position"/> bytes have passed, leaving
    /// <paramref name="head"/> and <paramref name="directory"/> as <see cref="Head"/> and <see cref="Directory"/>.
    /// </summary>
    public FormatSample(long? length, long position, ReadOnlySpan<byte> head, ReadOnlySpan<byte> directory)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        _length = length;
        _head = new byte[(int)Math.Min(EvidenceFormatDetector.HeadLength, length ?? long.MaxValue)];
        _headFilled = Math.Min(head.Length, _head.Length);
        head[.._headFilled].CopyTo(_head);
        _position = position;
        FindDirectory();
        if (directory.Length > _directoryFilled)
        {
            _directoryFilled = Math.Min(directory.Length, _directory.Length);
            directory[.._directoryFilled].CopyTo(_directory);
        }
    }

    /// <summary>The file's first bytes, as far as they have passed.</summary>
    public byte[] Head => _head[.._headFilled];

    /// <summary>The first bytes of a compound file's directory, as far as they have passed; empty for any other file.</summary>
    public byte[] Directory => _directory[.._directoryFilled];

    /// <summary>
    /// Whether every byte recognition looks at has passed, so the format can be told before the file ends. With no
    /// length given, a file shorter than the head is complete only at its end (recognise it then regardless).
    /// </summary>
    public bool Complete => _headFilled == _head.Length && _directoryFilled == _directory.Length;

    /// <summary>Takes what of the next <paramref name="bytes"/> of the file recognition looks at.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        var at = _position;
        _position += bytes.Length;
        if (_headFilled < _head.Length)
        {
            _headFilled += Take(bytes, at, _head, 0, _headFilled);
            FindDirectory();
        }

        if (_directoryOffset is { } offset && _directoryFilled < _directory.Length)
        {
            _directoryFilled += Take(bytes, at, _directory, offset, _directoryFilled);
        }
    }

    /// <summary>Where the directory of a compound file with header <paramref name="head"/> begins; null for any other file.</summary>
    public static long? DirectoryOffset(ReadOnlySpan<byte> head) => CompoundFiles.DirectoryOffset(head);

    /// <summary>The format of the bytes gathered (see <see cref="EvidenceFormatDetector.Detect"/>); null for anything that is not accepted evidence.</summary>
    public EvidenceFormat? Recognise(string? fileName) =>
        EvidenceFormatDetector.Detect(_head.AsSpan(0, _headFilled), fileName, _directory.AsSpan(0, _directoryFilled));

    /// <summary>Once the header is in: where a compound file's directory lies, and how much of it is wanted (what the file holds of the first 4 KiB).</summary>
    private void FindDirectory()
    {
        if (_directoryOffset is not null || CompoundFiles.DirectoryOffset(_head.AsSpan(0, _headFilled)) is not { } offset)
        {
            return;
        }

        _directoryOffset = offset;
        _directory = new byte[(int)Math.Clamp((_length ?? long.MaxValue) - offset, 0, CompoundFiles.DirectoryLength)];

        // The directory may begin within the head: those bytes have passed already.
        var inHead = _head.AsSpan(0, _headFilled);
        if (offset < inHead.Length)
        {
            _directoryFilled = Take(inHead, 0, _directory, offset, 0);
        }
    }

    /// <summary>Copies the part of <paramref name="bytes"/> (at file offset <paramref name="at"/>) that continues <paramref name="target"/> (at <paramref name="targetAt"/>, <paramref name="filled"/> bytes in); returns how many.</summary>
    private static int Take(ReadOnlySpan<byte> bytes, long at, byte[] target, long targetAt, int filled)
    {
        var from = targetAt + filled - at;
        if (from < 0 || from >= bytes.Length)
        {
            return 0;
        }

        var count = (int)Math.Min(bytes.Length - from, target.Length - filled);
        bytes.Slice((int)from, count).CopyTo(target.AsSpan(filled));
        return count;
    }
}
