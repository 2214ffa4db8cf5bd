using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace EvidenceVault.Evidence;

/// <summary>
/// Reads what an audio or video file says about its own length and making (<see cref="RecordingInfo"/>): the movie
/// header of MP4, M4A, QuickTime and 3GPP files, a WAVE file's format and data chunks, an Ogg stream's last page, a
/// WebM segment's information, an MP3's encoder header and a FLAC stream's information. Reads are few, small and at
/// known places (the file is seekable: blob storage answers ranged reads); a file whose statement is missing or
/// malformed gives null, and the evidence stands without it. AMR and AAC (ADTS) — what many Android phones record
/// calls in — and SILK — WeChat's and QQ's voice messages — keep no total anywhere: their length is their frames',
/// counted by walking every frame header from the start, a window of <see cref="FrameWindowBytes"/> at a time, for
/// files up to <see cref="MaxFramedBytes"/>.
/// </summary>
public static class RecordingInfoReader
{
    private const int MaxChunks = 64;
    private const int MaxHeaderBytes = 1024 * 1024;
    private const int OggTailBytes = 64 * 1024;
    private const int MaxKeysBytes = 64 * 1024;
    private static readonly DateTimeOffset QuickTimeEpoch = new(1904, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Frame sizes of AMR (3GPP TS 26.101) and AMR-WB (TS 26.201) by frame type, header byte included; 0 for a type no file holds.</summary>
    private static readonly int[] AmrFrameBytes = [13, 14, 16, 18, 20, 21, 27, 32, 6, 0, 0, 0, 0, 0, 0, 1];
    private static readonly int[] AmrWbFrameBytes = [18, 24, 33, 37, 41, 47, 51, 59, 61, 6, 0, 0, 0, 0, 1, 1];

    /// <summary>How long a SILK packet of a WeChat or QQ voice message plays: one 20 ms frame.</summary>
    private const int SilkPacketMilliseconds = 20;

    /// <summary>ADTS sampling-frequency indices (ISO/IEC 14496-3).</summary>
    private static readonly int[] AdtsRates = [96_000, 88_200, 64_000, 48_000, 44_100, 32_000, 24_000, 22_050, 16_000, 12_000, 11_025, 8_000, 7_350];

    /// <summary>The largest AMR, AAC (ADTS) or SILK file whose frames are counted: over four hours of AAC at 128 kbit/s, days of AMR.</summary>
    public const long MaxFramedBytes = 256L * 1024 * 1024;

    /// <summary>How much of a framed file one read brings; blob reads should be buffered to match (<see cref="ReadBufferBytes"/>).</summary>
    public const int FrameWindowBytes = 1024 * 1024;

    /// <summary>What a <see cref="FrameHeader"/> gives for a mark that ends the frames (SILK's count of -1); 0 is for something that is no frame.</summary>
    private const int EndOfFrames = -1;

    /// <summary>The size of the frame <paramref name="header"/> begins, header included, and its <paramref name="samples"/>; 0 when it is none, <see cref="EndOfFrames"/> at an end mark.</summary>
    private delegate int FrameHeader(ReadOnlySpan<byte> header, out int samples);

    /// <summary>The read buffer that suits <paramref name="format"/>: a whole frame window for the formats counted frame by frame, 64 KiB for the rest.</summary>
    public static int ReadBufferBytes(EvidenceFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        return format.ContentType is "audio/amr" or "audio/amr-wb" or "audio/aac" or "audio/silk" ? FrameWindowBytes : 64 * 1024;
    }

    /// <summary>The statement of <paramref name="content"/>, a file of <paramref name="format"/>; null for other formats or none stated.</summary>
    /// <param name="content">The file, seekable, from its first byte.</param>
    /// <param name="format">The recognised format.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static async Task<RecordingInfo?> ReadAsync(Stream content, EvidenceFormat format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(format);
        if (!content.CanSeek)
        {
            throw new ArgumentException("The reader needs a seekable stream.", nameof(content));
        }

        var file = new PositionedReads(content);
        try
        {
            var info = format.ContentType switch
            {
                "audio/mp4" or "video/mp4" or "video/quicktime" or "video/3gpp" => await ReadIsoMediaAsync(file, cancellationToken),
                "audio/wav" => await ReadWaveAsync(file, cancellationToken),
                "audio/ogg" => await ReadOggAsync(file, cancellationToken),
                "video/webm" => await ReadWebMAsync(file, cancellationToken),
                "audio/mpeg" => await ReadMpegAsync(file, cancellationToken),
                "audio/flac" => await ReadFlacAsync(file, cancellationToken),
                "audio/amr" => await ReadAmrAsync(file, "#!AMR\n"u8.Length, AmrFrameBytes, 8_000, cancellationToken),
                "audio/amr-wb" => await ReadAmrAsync(file, "#!AMR-WB\n"u8.Length, AmrWbFrameBytes, 16_000, cancellationToken),
                "audio/aac" => await ReadAdtsAsync(file, cancellationToken),
                "audio/silk" => await ReadSilkAsync(file, cancellationToken),
                _ => null,
            };
            return info is { DurationSeconds: null, RecordedAt: null, LocalTime: null, Device: null } ? null : info;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or OverflowException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static async Task<RecordingInfo?> ReadIsoMediaAsync(PositionedReads file, CancellationToken cancellationToken)
    {
        // Top-level boxes in order; a phone may write the movie header before or after the media data.
        if (await IsoBoxes.FindAsync(file, 0, file.Length, "moov", cancellationToken) is not { } moov ||
            await IsoBoxes.FindAsync(file, moov.Start, moov.End, "mvhd", cancellationToken) is not { } mvhd)
        {
            return null;
        }

        var header = await file.ReadAsync(mvhd.Start, (int)Math.Min(mvhd.End - mvhd.Start, 32), cancellationToken);
        var version = header[0];
        ulong created, timescale, duration;
        if (version == 1 && header.Length >= 32)
        {
            created = BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(4));
            timescale = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(20));
            duration = BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(24));
        }
        else if (version == 0 && header.Length >= 20)
        {
            created = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
            timescale = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(12));
            duration = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(16));
            duration = duration == uint.MaxValue ? 0 : duration; // "unknown", as a live recording leaves it
        }
        else
        {
            return null;
        }

        // Encoders that know no time write zero (1904); a clock never set gives a year no recording was made in.
        DateTimeOffset? recordedAt = created is > 0 and < 10_000_000_000UL ? Plausible(QuickTimeEpoch.AddSeconds(created)) : null;
        var keys = await ReadQuickTimeKeysAsync(file, moov, cancellationToken);
        var creationDate = keys.GetValueOrDefault("com.apple.quicktime.creationdate") is { } text ? ParseCreationDate(text) : null;
        return new RecordingInfo
        {
            Source = RecordingSources.IsoMedia,
            DurationSeconds = timescale > 0 && duration > 0 && duration != ulong.MaxValue ? Seconds(duration / (double)timescale) : null,
            RecordedAt = recordedAt,
            LocalTime = creationDate?.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
            UtcOffset = creationDate?.ToString("zzz", CultureInfo.InvariantCulture),
            Device = DeviceNames.Of(keys.GetValueOrDefault("com.apple.quicktime.make"), keys.GetValueOrDefault("com.apple.quicktime.model")),
        };
    }

    /// <summary>
    /// The text values of a movie's QuickTime metadata keys (<c>moov/meta</c> as iPhones write them, <c>moov/udta/meta</c>
    /// as FFmpeg does: <c>keys</c> names them, <c>ilst</c> holds them by index); none when the movie has no such box, it is larger than a header would be, or
    /// it is malformed — the movie header's statement stands without them. Apple writes <c>meta</c> as a plain atom, ISO
    /// tools (FFmpeg) as a full box with four bytes of version and flags.
    /// </summary>
    private static async Task<Dictionary<string, string>> ReadQuickTimeKeysAsync(PositionedReads file, (long Start, long End) moov, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadKeysAsync(file, moov, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentOutOfRangeException)
        {
            return [];
        }
    }

    private static async Task<Dictionary<string, string>> ReadKeysAsync(PositionedReads file, (long Start, long End) moov, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var meta = await IsoBoxes.FindAsync(file, moov.Start, moov.End, "meta", cancellationToken);
        if (meta is null && await IsoBoxes.FindAsync(file, moov.Start, moov.End, "udta", cancellationToken) is { } udta)
        {
            meta = await IsoBoxes.FindAsync(file, udta.Start, udta.End, "meta", cancellationToken);
        }

        if (meta is not { } found || found.End - found.Start < 12)
        {
            return values;
        }

        var start = Encoding.ASCII.GetString(await file.ReadAsync(found.Start + 4, 4, cancellationToken)) == "hdlr" ? found.Start : found.Start + 4;
        if (await IsoBoxes.FindAsync(file, start, found.End, "keys", cancellationToken) is not { } keysBox ||
            await IsoBoxes.FindAsync(file, start, found.End, "ilst", cancellationToken) is not { } ilstBox ||
            keysBox.End - keysBox.Start > MaxKeysBytes || ilstBox.End - ilstBox.Start > MaxKeysBytes)
        {
            return values;
        }

        // keys: version and flags, a count, then entries of a size, a namespace ("mdta") and the key's name.
        var keys = await file.ReadAsync(keysBox.Start, (int)(keysBox.End - keysBox.Start), cancellationToken);
        var names = new List<string>();
        for (var at = 8; at + 8 <= keys.Length && names.Count < MaxChunks; )
        {
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(keys.AsSpan(at));
            if (size < 8 || at + size > keys.Length)
            {
                throw new InvalidDataException("A key runs past its box.");
            }

            names.Add(Encoding.UTF8.GetString(keys, at + 8, size - 8));
            at += size;
        }

        // ilst: an item per key, its type the key's index from 1, holding a data atom (type 1: UTF-8 text).
        var items = await file.ReadAsync(ilstBox.Start, (int)(ilstBox.End - ilstBox.Start), cancellationToken);
        for (var at = 0; at + 8 <= items.Length; )
        {
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(items.AsSpan(at));
            var index = BinaryPrimitives.ReadUInt32BigEndian(items.AsSpan(at + 4));
            if (size < 8 || at + size > items.Length)
            {
                throw new InvalidDataException("A metadata item runs past its box.");
            }

            var data = at + 8;
            if (size >= 24 && Encoding.ASCII.GetString(items, data + 4, 4) == "data" && BinaryPrimitives.ReadUInt32BigEndian(items.AsSpan(data + 8)) == 1 &&
                index >= 1 && index <= names.Count && BinaryPrimitives.ReadUInt32BigEndian(items.AsSpan(data)) is var dataSize && dataSize >= 16 && dataSize <= size - 8)
            {
                values.TryAdd(names[(int)index - 1], Encoding.UTF8.GetString(items, data + 16, (int)dataSize - 16).Trim());
            }

            at += size;
        }

        return values;
    }

    /// <summary>An iPhone's creation date (<c>2026-11-20T14:03:17+0800</c>, ISO 8601 with the phone's zone); null for anything else.</summary>
    private static DateTimeOffset? ParseCreationDate(string text)
    {
        var withColon = text.Length > 5 && text[^5] is '+' or '-' && text[^4..].All(char.IsAsciiDigit) ? text[..^2] + ":" + text[^2..] : text;
        return DateTimeOffset.TryParseExact(withColon, "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && Plausible(date) is not null
            ? date
            : null;
    }

    private static async Task<RecordingInfo?> ReadWaveAsync(PositionedReads file, CancellationToken cancellationToken)
    {
        var riff = await file.ReadAsync(0, 12, cancellationToken);
        if (riff.Length < 12 || Encoding.ASCII.GetString(riff, 0, 4) != "RIFF" || Encoding.ASCII.GetString(riff, 8, 4) != "WAVE")
        {
            return null;
        }

        long position = 12;
        uint? byteRate = null;
        for (var n = 0; n < MaxChunks && position + 8 <= file.Length; n++)
        {
            var header = await file.ReadAsync(position, 8, cancellationToken);
            var id = Encoding.ASCII.GetString(header, 0, 4);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
            if (id == "fmt " && size >= 16)
            {
                var fmt = await file.ReadAsync(position + 8, 16, cancellationToken);
                byteRate = BinaryPrimitives.ReadUInt32LittleEndian(fmt.AsSpan(8));
            }
            else if (id == "data")
            {
                // A recorder that stopped before it could write the size leaves it at its largest: the rest of the file.
                var bytes = size == uint.MaxValue || position + 8 + size > file.Length ? file.Length - position - 8 : size;
                return byteRate is > 0 and var rate ? new RecordingInfo { Source = RecordingSources.Wave, DurationSeconds = Seconds(bytes / (double)rate) } : null;
            }

            position += 8 + size + (size & 1);
        }

        return null;
    }

    private static async Task<RecordingInfo?> ReadOggAsync(PositionedReads file, CancellationToken cancellationToken)
    {
        // The first page carries the codec's identification header: Opus counts at 48 kHz after its pre-skip, Vorbis at its own rate.
        var first = await file.ReadAsync(0, (int)Math.Min(file.Length, 512), cancellationToken);
        if (first.Length < 27 + 19 || Encoding.ASCII.GetString(first, 0, 4) != "OggS")
        {
            return null;
        }

        var serial = BinaryPrimitives.ReadUInt32LittleEndian(first.AsSpan(14));
        var packet = 27 + first[26];
        double rate;
        long preSkip = 0;
        if (packet + 16 <= first.Length && Encoding.ASCII.GetString(first, packet, 8) == "OpusHead")
        {
            rate = 48_000;
            preSkip = BinaryPrimitives.ReadUInt16LittleEndian(first.AsSpan(packet + 10));
        }
        else if (packet + 16 <= first.Length && first[packet] == 1 && Encoding.ASCII.GetString(first, packet + 1, 6) == "vorbis")
        {
            rate = BinaryPrimitives.ReadUInt32LittleEndian(first.AsSpan(packet + 12));
        }
        else
        {
            return null;
        }

        var tailStart = Math.Max(0, file.Length - OggTailBytes);
        var tail = await file.ReadAsync(tailStart, (int)(file.Length - tailStart), cancellationToken);
        for (var at = tail.AsSpan().LastIndexOf("OggS"u8); at >= 0; at = tail.AsSpan(0, at).LastIndexOf("OggS"u8))
        {
            if (CompletePage(tail, at) && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(at + 14)) == serial)
            {
                var granule = BinaryPrimitives.ReadInt64LittleEndian(tail.AsSpan(at + 6));
                if (granule < 0)
                {
                    continue; // a page on which no packet ends
                }

                return granule > preSkip && rate > 0 ? new RecordingInfo { Source = RecordingSources.Ogg, DurationSeconds = Seconds((granule - preSkip) / rate) } : null;
            }
        }

        return null;
    }

    /// <summary>Whether a whole Ogg page (version 0) starts at <paramref name="at"/>: a cut-off last page states nothing.</summary>
    private static bool CompletePage(byte[] bytes, int at)
    {
        if (at + 27 > bytes.Length || bytes[at + 4] != 0 || at + 27 + bytes[at + 26] > bytes.Length)
        {
            return false;
        }

        var body = 0;
        foreach (var lacing in bytes.AsSpan(at + 27, bytes[at + 26]))
        {
            body += lacing;
        }

        return at + 27 + bytes[at + 26] + body <= bytes.Length;
    }

    private static async Task<RecordingInfo?> ReadWebMAsync(PositionedReads file, CancellationToken cancellationToken)
    {
        var head = await file.ReadAsync(0, (int)Math.Min(file.Length, MaxHeaderBytes), cancellationToken);
        var reader = new EbmlReader(head);
        if (reader.ReadElement() is not (0x1A45DFA3, _, var ebmlSize))
        {
            return null;
        }

        reader.Skip(ebmlSize);
        if (reader.ReadElement() is not (0x18538067, _, _))
        {
            return null;
        }

        // Segment children in order (the seek head, the information, tracks…); the information comes early.
        for (var n = 0; n < MaxChunks && reader.ReadElement() is (var id, _, var size); n++)
        {
            if (id != 0x1549A966)
            {
                reader.Skip(size);
                continue;
            }

            var end = reader.Position + size;
            ulong scale = 1_000_000;
            double? duration = null;
            while (reader.Position < end && reader.ReadElement() is (var child, _, var childSize))
            {
                if (child == 0x2AD7B1)
                {
                    scale = reader.ReadUnsigned(childSize);
                }
                else if (child == 0x4489)
                {
                    duration = reader.ReadFloat(childSize);
                }
                else
                {
                    reader.Skip(childSize);
                }
            }

            return duration is > 0 and var ticks && scale > 0
                ? new RecordingInfo { Source = RecordingSources.WebM, DurationSeconds = Seconds(ticks * scale / 1e9) }
                : null;
        }

        return null;
    }

    private static async Task<RecordingInfo?> ReadMpegAsync(PositionedReads file, CancellationToken cancellationToken)
    {
        var head = await file.ReadAsync(0, (int)Math.Min(file.Length, 64 * 1024), cancellationToken);
        var start = 0L;
        if (head.Length >= 10 && Encoding.ASCII.GetString(head, 0, 3) == "ID3")
        {
            // A syncsafe size: seven bits per byte; a footer adds ten more bytes.
            start = 10 + ((head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7 | (head[9] & 0x7F)) + ((head[5] & 0x10) != 0 ? 10 : 0);
            head = await file.ReadAsync(start, (int)Math.Min(file.Length - start, 64 * 1024), cancellationToken);
        }

        var frame = head.AsSpan().IndexOf((byte)0xFF);
        while (frame >= 0 && frame + 4 <= head.Length && !MpegFrame.TryParse(head.AsSpan(frame, 4), out _))
        {
            var next = head.AsSpan(frame + 1).IndexOf((byte)0xFF);
            frame = next < 0 ? -1 : frame + 1 + next;
        }

        if (frame < 0 || frame + 4 > head.Length || !MpegFrame.TryParse(head.AsSpan(frame, 4), out var header))
        {
            return null;
        }

        // The encoder's own count of frames: Xing or Info after the side information, or VBRI 32 bytes in.
        var xing = frame + 4 + header.SideInformationBytes;
        if (xing + 12 <= head.Length && Encoding.ASCII.GetString(head, xing, 4) is "Xing" or "Info" && (head[xing + 7] & 0x01) != 0)
        {
            return Mpeg(BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(xing + 8)), header, EncoderGap(head, xing));
        }

        var vbri = frame + 4 + 32;
        if (vbri + 18 <= head.Length && Encoding.ASCII.GetString(head, vbri, 4) == "VBRI")
        {
            return Mpeg(BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(vbri + 14)), header, 0);
        }

        // Without one, a constant bit rate: the audio's bytes at that rate.
        var bytes = file.Length - (start + frame);
        return new RecordingInfo { Source = RecordingSources.Mpeg, DurationSeconds = Seconds(bytes * 8.0 / header.BitRate) };
    }

    private static RecordingInfo? Mpeg(uint frames, MpegFrame header, int gapSamples) =>
        frames > 0 ? new RecordingInfo { Source = RecordingSources.Mpeg, DurationSeconds = Seconds(((frames * (double)header.SamplesPerFrame) - gapSamples) / header.SampleRate) } : null;

    /// <summary>
    /// The samples the encoder added before and after the audio, from the LAME tag that follows the Xing/Info fields
    /// (LAME and FFmpeg's encoders write it): twelve bits each of delay and padding. None without the tag.
    /// </summary>
    private static int EncoderGap(byte[] head, int xing)
    {
        var flags = head[xing + 7];
        var tag = xing + 8 + ((flags & 0x01) != 0 ? 4 : 0) + ((flags & 0x02) != 0 ? 4 : 0) + ((flags & 0x04) != 0 ? 100 : 0) + ((flags & 0x08) != 0 ? 4 : 0);
        if (tag + 24 > head.Length || Encoding.ASCII.GetString(head, tag, 4) is not ("LAME" or "Lavc" or "Lavf"))
        {
            return 0;
        }

        var delay = (head[tag + 21] << 4) | (head[tag + 22] >> 4);
        var padding = ((head[tag + 22] & 0x0F) << 8) | head[tag + 23];
        return delay + padding;
    }

    private static async Task<RecordingInfo?> ReadFlacAsync(PositionedReads file, CancellationToken cancellationToken)
    {
        var head = await file.ReadAsync(0, (int)Math.Min(file.Length, 42), cancellationToken);
        if (head.Length < 42 || Encoding.ASCII.GetString(head, 0, 4) != "fLaC" || (head[4] & 0x7F) != 0)
        {
            return null;
        }

        // STREAMINFO: 20 bits of sample rate, 3 of channels, 5 of bits per sample, 36 of total samples.
        var info = head.AsSpan(8);
        var rate = (info[10] << 12) | (info[11] << 4) | (info[12] >> 4);
        var samples = ((long)(info[13] & 0x0F) << 32) | BinaryPrimitives.ReadUInt32BigEndian(info[14..]);
        return rate > 0 && samples > 0 ? new RecordingInfo { Source = RecordingSources.Flac, DurationSeconds = Seconds(samples / (double)rate) } : null;
    }

    private static async Task<RecordingInfo?> ReadAmrAsync(PositionedReads file, int magicBytes, int[] frameBytes, int rate, CancellationToken cancellationToken)
    {
        // After the magic line, frames of 20 ms, each a header byte (padding bit, four bits of frame type, quality bit,
        // two padding bits) and the speech bits its type fixes; comfort noise and "no data" frames take their 20 ms too.
        var samples = await CountFramesAsync(file, magicBytes, file.Length, 1, (ReadOnlySpan<byte> header, out int frameSamples) =>
        {
            frameSamples = rate / 50;
            return (header[0] & 0x83) == 0 ? frameBytes[(header[0] >> 3) & 0x0F] : 0;
        }, cancellationToken);
        return samples is > 0 and var count ? new RecordingInfo { Source = RecordingSources.Amr, DurationSeconds = Seconds(count / (double)rate) } : null;
    }

    private static async Task<RecordingInfo?> ReadSilkAsync(PositionedReads file, CancellationToken cancellationToken)
    {
        // After the magic line (behind Tencent's 0x02 byte in WeChat's and QQ's files), packets, each a little-endian
        // 16-bit byte count and that many bytes; one packet is 20 ms as WeChat and QQ record (the SDK's default), and
        // an empty one (a lost or silent packet) takes its 20 ms too. The SDK's own encoder ends the file with a count
        // of -1, Tencent's with the last packet.
        var start = (await file.ReadAsync(0, 1, cancellationToken))[0] == EvidenceFormatDetector.TencentSilkByte ? 1 + EvidenceFormatDetector.SilkMagic.Length : EvidenceFormatDetector.SilkMagic.Length;
        var frames = await CountFramesAsync(file, start, file.Length, 2, (ReadOnlySpan<byte> header, out int frameMilliseconds) =>
        {
            frameMilliseconds = SilkPacketMilliseconds;
            return BinaryPrimitives.ReadInt16LittleEndian(header) switch
            {
                -1 => EndOfFrames, // where the SILK decoder stops too
                >= 0 and var size => 2 + size,
                _ => 0,
            };
        }, cancellationToken);
        return frames is > 0 and var milliseconds ? new RecordingInfo { Source = RecordingSources.Silk, DurationSeconds = Seconds(milliseconds / 1000.0) } : null;
    }

    private static async Task<RecordingInfo?> ReadAdtsAsync(PositionedReads file, CancellationToken cancellationToken)
    {
        // Each frame's seven-byte header: sync, layer 0, the sampling-frequency index, the frame's length (header
        // included) and its raw data blocks, 1,024 samples each (an HE-AAC stream states its core rate, so the length
        // comes out the same). The encoder's priming samples are not stated, so they are counted. A recorder may end
        // the file with an ID3v1 tag.
        var first = await file.ReadAsync(0, 7, cancellationToken);
        var rateIndex = (first[2] >> 2) & 0x0F;
        if (rateIndex >= AdtsRates.Length)
        {
            return null;
        }

        var end = file.Length >= 128 && Encoding.ASCII.GetString(await file.ReadAsync(file.Length - 128, 3, cancellationToken)) == "TAG" ? file.Length - 128 : file.Length;
        var samples = await CountFramesAsync(file, 0, end, 7, (ReadOnlySpan<byte> header, out int frameSamples) =>
        {
            frameSamples = ((header[6] & 0x03) + 1) * 1024;
            var size = ((header[3] & 0x03) << 11) | (header[4] << 3) | (header[5] >> 5);
            var headerSize = (header[1] & 0x01) == 0 ? 9 : 7;
            return header[0] == 0xFF && (header[1] & 0xF6) == 0xF0 && ((header[2] >> 2) & 0x0F) == rateIndex && size > headerSize ? size : 0;
        }, cancellationToken);
        return samples is > 0 and var count ? new RecordingInfo { Source = RecordingSources.Adts, DurationSeconds = Seconds(count / (double)AdtsRates[rateIndex]) } : null;
    }

    /// <summary>
    /// The samples of the frames between <paramref name="start"/> and <paramref name="end"/>, walked header to header
    /// a window at a time, up to an end mark if one comes first; null for a file too large to walk, and an error where
    /// something that is not a frame stands between them. A last frame the file cuts off is not counted: nothing plays it.
    /// </summary>
    private static async Task<long?> CountFramesAsync(PositionedReads file, long start, long end, int headerBytes, FrameHeader frame, CancellationToken cancellationToken)
    {
        if (file.Length > MaxFramedBytes)
        {
            return null;
        }

        var window = ArrayPool<byte>.Shared.Rent(FrameWindowBytes);
        try
        {
            long samples = 0, windowStart = start, position = start;
            var filled = 0;
            while (position + headerBytes <= end)
            {
                if (position + headerBytes > windowStart + filled)
                {
                    windowStart = position;
                    filled = await file.FillAsync(position, window.AsMemory(0, FrameWindowBytes), cancellationToken);
                }

                var size = frame(window.AsSpan((int)(position - windowStart), headerBytes), out var frameSamples);
                if (size == EndOfFrames)
                {
                    break;
                }

                if (size <= 0)
                {
                    throw new InvalidDataException("Something other than a frame among the frames.");
                }

                if (position + size > end)
                {
                    break;
                }

                samples += frameSamples;
                position += size;
            }

            return samples;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(window);
        }
    }

    /// <summary>Seconds to the millisecond; null for a length no recording has (over ten years).</summary>
    private static double? Seconds(double seconds) =>
        double.IsFinite(seconds) && seconds > 0 && seconds < 10 * 365.25 * 86_400 ? Math.Round(seconds, 3) : null;

    private static DateTimeOffset? Plausible(DateTimeOffset date) => date.Year is >= 1991 and <= 2200 ? date : null;

    /// <summary>An MPEG audio frame header: version, layer, bit rate and sample rate.</summary>
    private readonly record struct MpegFrame(int BitRate, int SampleRate, int SamplesPerFrame, int SideInformationBytes)
    {
        private static readonly int[] Mpeg1Layer3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
        private static readonly int[] Mpeg2Layer3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

        public static bool TryParse(ReadOnlySpan<byte> bytes, out MpegFrame frame)
        {
            frame = default;
            if (bytes[0] != 0xFF || (bytes[1] & 0xE0) != 0xE0)
            {
                return false;
            }

            var version = (bytes[1] >> 3) & 0x03; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
            var layer = (bytes[1] >> 1) & 0x03;   // 1: layer III
            var bitRateIndex = bytes[2] >> 4;
            var sampleRateIndex = (bytes[2] >> 2) & 0x03;
            if (version == 1 || layer != 1 || bitRateIndex is 0 or 15 || sampleRateIndex == 3)
            {
                return false; // reserved values, free format, or not layer III (what phones and recorders write)
            }

            var mpeg1 = version == 3;
            int[] rates = [44_100, 48_000, 32_000];
            var sampleRate = rates[sampleRateIndex] / (mpeg1 ? 1 : version == 2 ? 2 : 4);
            var mono = (bytes[3] >> 6) == 3;
            frame = new MpegFrame(
                (mpeg1 ? Mpeg1Layer3 : Mpeg2Layer3)[bitRateIndex] * 1000,
                sampleRate,
                mpeg1 ? 1152 : 576,
                mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17));
            return true;
        }
    }

    /// <summary>EBML (Matroska, WebM): variable-length element ids and sizes, over a buffer read from the file's start.</summary>
    private sealed class EbmlReader(byte[] buffer)
    {
        public long Position { get; private set; }

        /// <summary>The next element's id, its header's length and its body's size; null at the buffer's end.</summary>
        public (uint Id, int HeaderBytes, long Size)? ReadElement()
        {
            var start = Position;
            if (ReadVarInt(keepMarker: true) is not { } id || ReadVarInt(keepMarker: false) is not { } size)
            {
                return null;
            }

            return ((uint)id, (int)(Position - start), size);
        }

        public void Skip(long size)
        {
            // A size of all ones is "unknown": the element runs to its parent's end, so its children follow.
            if (size != long.MaxValue)
            {
                Position += size;
            }
        }

        public ulong ReadUnsigned(long size)
        {
            ulong value = 0;
            for (var i = 0; i < size; i++)
            {
                value = (value << 8) | Byte();
            }

            return value;
        }

        public double ReadFloat(long size)
        {
            var bytes = new byte[size];
            for (var i = 0; i < size; i++)
            {
                bytes[i] = Byte();
            }

            return size switch
            {
                4 => BinaryPrimitives.ReadSingleBigEndian(bytes),
                8 => BinaryPrimitives.ReadDoubleBigEndian(bytes),
                _ => throw new InvalidDataException("A float of another size."),
            };
        }

        private long? ReadVarInt(bool keepMarker)
        {
            if (Position >= buffer.Length)
            {
                return null;
            }

            var first = Byte();
            var length = System.Numerics.BitOperations.LeadingZeroCount((uint)first) - 23;
            if (length is < 1 or > 8)
            {
                throw new InvalidDataException("An EBML number longer than eight bytes.");
            }

            long value = keepMarker ? first : first & (0xFF >> length);
            var allOnes = value == (0xFF >> length);
            for (var i = 1; i < length; i++)
            {
                var next = Byte();
                allOnes &= next == 0xFF;
                value = (value << 8) | next;
            }

            return !keepMarker && allOnes ? long.MaxValue : value;
        }

        private byte Byte() =>
            Position < buffer.Length ? buffer[Position++] : throw new EndOfStreamException("The EBML header runs past what was read.");
    }
}
