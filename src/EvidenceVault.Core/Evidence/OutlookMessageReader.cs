using System.Buffers.Binary;
using System.Text;

namespace EvidenceVault.Evidence;

/// <summary>
/// Reads what an e-mail Outlook saved (<c>.msg</c>, [MS-OXMSG]) says about itself. A <c>.msg</c> is a compound file
/// whose root storage holds the message's properties, each string in a stream of its own
/// (<c>__substg1.0_</c> and the property's tag) and the fixed-size ones in <c>__properties_version1.0</c>. A message
/// that came over the Internet keeps its original header (PR_TRANSPORT_MESSAGE_HEADERS): it is read exactly as a
/// saved <c>.eml</c>'s header is — sender, subject, date, message id and the top <c>Received</c> field. Without it (a
/// message that never left one organisation's server) the sender's name and address, the subject, the message id and
/// the submit time come from the properties themselves. The links are those of its plain-text body (PR_BODY). Only
/// Unicode strings are read, as Outlook 2003 and later write them.
/// </summary>
internal static class OutlookMessageReader
{
    private const string TransportHeaders = "__substg1.0_007D001F";
    private const string Body = "__substg1.0_1000001F";
    private const string Subject = "__substg1.0_0037001F";
    private const string SenderName = "__substg1.0_0C1A001F";
    private const string SenderAddress = "__substg1.0_0C1F001F";
    private const string SenderSmtpAddress = "__substg1.0_5D01001F";
    private const string InternetMessageId = "__substg1.0_1035001F";
    private const string Properties = "__properties_version1.0";
    private const uint ClientSubmitTime = 0x00390040;
    private const uint MessageDeliveryTime = 0x0E060040;

    /// <summary>The header fields and plain-text body of the <c>.msg</c> in <paramref name="content"/>, as an Internet message would give them; null when it is no compound file.</summary>
    public static async Task<OutlookMessage?> ReadAsync(Stream content, CancellationToken cancellationToken)
    {
        var file = await CompoundFileStreams.OpenAsync(new PositionedReads(content), cancellationToken);
        if (file is null)
        {
            return null;
        }

        async Task<string?> TextAsync(string stream) =>
            await file.ReadRootStreamAsync(stream, cancellationToken) is { } bytes ? Encoding.Unicode.GetString(bytes).TrimEnd('\0') : null;

        var body = await TextAsync(Body);
        if (await TextAsync(TransportHeaders) is { Length: > 0 } headers)
        {
            return new OutlookMessage(headers, body, null, null);
        }

        // Without the Internet header: the fields the properties give, written as a header for the same reading.
        var fields = new StringBuilder();
        var name = await TextAsync(SenderName);
        var address = await TextAsync(SenderSmtpAddress) ?? await TextAsync(SenderAddress);
        if (name is not null || address is not null)
        {
            fields.Append("From: ").Append(name).Append(address is null ? string.Empty : $"{(name is null ? string.Empty : " ")}<{address}>").Append("\r\n");
        }

        Append(fields, "Subject", await TextAsync(Subject));
        Append(fields, "Message-ID", await TextAsync(InternetMessageId));
        var times = Times(await file.ReadRootStreamAsync(Properties, cancellationToken));
        return new OutlookMessage(fields.ToString(), body, times.TryGetValue(ClientSubmitTime, out var submitted) ? submitted : null, times.TryGetValue(MessageDeliveryTime, out var delivered) ? delivered : null);
    }

    private static void Append(StringBuilder fields, string name, string? value)
    {
        if (value is not null)
        {
            fields.Append(name).Append(": ").Append(value).Append("\r\n");
        }
    }

    /// <summary>The time properties of the message's property stream: after its 32-byte header, entries of 16 bytes (tag, flags, value).</summary>
    private static Dictionary<uint, DateTimeOffset> Times(byte[]? stream)
    {
        var times = new Dictionary<uint, DateTimeOffset>();
        for (var at = 32; stream is not null && at + 16 <= stream.Length; at += 16)
        {
            var tag = BinaryPrimitives.ReadUInt32LittleEndian(stream.AsSpan(at));
            var ticks = BinaryPrimitives.ReadInt64LittleEndian(stream.AsSpan(at + 8));
            if (tag is ClientSubmitTime or MessageDeliveryTime && ticks > 0 && ticks <= DateTime.MaxValue.ToFileTimeUtc())
            {
                times[tag] = new DateTimeOffset(DateTime.FromFileTimeUtc(ticks));
            }
        }

        return times;
    }
}

/// <summary>
/// An Outlook message as an Internet message would give it: its header fields (CRLF-separated, as sent or as its
/// properties give them), its plain-text body, and the submit and delivery times its properties hold when it has no
/// Internet header.
/// </summary>
internal sealed record OutlookMessage(string Header, string? Body, DateTimeOffset? SubmittedAt, DateTimeOffset? DeliveredAt);
