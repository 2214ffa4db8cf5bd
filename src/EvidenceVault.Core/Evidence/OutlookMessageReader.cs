using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace EvidenceVault.Evidence;

/// <summary>
/// Reads what an e-mail Outlook saved (<c>.msg</c>, [MS-OXMSG]) says about itself. A <c>.msg</c> is a compound file
/// whose root storage holds the message's properties, each string in a stream of its own (<c>__substg1.0_</c> and the
/// property's tag) and the fixed-size ones in <c>__properties_version1.0</c>. A message that came over the Internet
/// keeps its original header (PR_TRANSPORT_MESSAGE_HEADERS): it is read exactly as a saved <c>.eml</c>'s header is —
/// sender, recipients, subject, date, message id and the top <c>Received</c> field. Without it (a message that never
/// left one organisation's server) the sender's name and address, the recipients it is addressed to, the subject, the
/// message id, the submit time and the mailbox that received it (PR_RECEIVED_BY_SMTP_ADDRESS, else an Internet
/// address in PR_RECEIVED_BY_EMAIL_ADDRESS) come from the properties themselves. The links are those of its plain-text body
/// (PR_BODY), then the <c>href</c>s of its HTML (PR_HTML, in its Internet code page), which is all some programs keep;
/// its attachments are named and hashed as an <c>.eml</c>'s are, and a message forwarded inside it "as an attachment"
/// (an embedded message, in a storage of its own) is named and read through, as a forwarded mail inside an
/// <c>.eml</c> is. Strings are read as Unicode, as Outlook 2003 and later write them, or as 8-bit text in the
/// message's code page (an "Outlook Message Format" file that is not Unicode: GBK from a Chinese Outlook).
/// </summary>
internal static class OutlookMessageReader
{
    private const string TransportHeaders = "007D";
    private const string Body = "1000";
    private const string Html = "1013";
    private const string Subject = "0037";
    private const string SenderName = "0C1A";
    private const string SenderAddress = "0C1F";
    private const string SenderSmtpAddress = "5D01";
    private const string InternetMessageId = "1035";
    private const string ReceivedBySmtpAddress = "5D07";
    private const string ReceivedByAddress = "0076";
    private const string Properties = "__properties_version1.0";
    private const string AttachmentStorage = "__attach_version1.0_#";
    private const string AttachData = "3701";
    private const string AttachFileName = "3704";
    private const string AttachLongFileName = "3707";
    private const string AttachMimeTag = "370E";
    private const string AttachDisposition = "3716";
    private const string DisplayName = "3001";
    private const string EmbeddedMessage = "__substg1.0_3701000D";
    private const uint AttachMethod = 0x37050003;
    private const long EmbeddedMessageMethod = 5;
    private const int MessagePropertiesHeader = 32;
    private const int EmbeddedMessagePropertiesHeader = 24;
    private const int ObjectPropertiesHeader = 8; // an attachment's or a recipient's
    private const string RecipientStorage = "__recip_version1.0_#";
    private const string SmtpAddress = "39FE";
    private const string EmailAddress = "3003";
    private const uint RecipientType = 0x0C150003;
    private const long ToRecipient = 1;
    private const long CcRecipient = 2;
    private const uint ClientSubmitTime = 0x00390040;
    private const uint MessageDeliveryTime = 0x0E060040;
    private const uint MessageCodePage = 0x3FFD0003;
    private const uint InternetCodePage = 0x3FDE0003;

    /// <summary>The header fields and plain-text body of the <c>.msg</c> in <paramref name="content"/>, as an Internet message would give them; null when it is no compound file.</summary>
    public static async Task<OutlookMessage?> ReadAsync(Stream content, CancellationToken cancellationToken)
    {
        var file = await CompoundFileStreams.OpenAsync(new PositionedReads(content), cancellationToken);
        return file is not null && await file.RootAsync(cancellationToken) is { } root
            ? await ReadMessageAsync(file, root, MessagePropertiesHeader, 1252, depth: 0, cancellationToken)
            : null;
    }

    /// <summary>
    /// The message whose properties are the storage children <paramref name="storage"/>: the file's root, or an
    /// embedded message <paramref name="depth"/> messages down, whose property stream has a shorter header and whose
    /// strings, without a code page of their own, are in <paramref name="codePage"/>, its parent's.
    /// </summary>
    private static async Task<OutlookMessage> ReadMessageAsync(
        CompoundFileStreams file, uint storage, int propertiesHeader, int codePage, int depth, CancellationToken cancellationToken)
    {
        var values = FixedValues(await file.ReadStreamAsync(storage, Properties, cancellationToken), propertiesHeader);
        codePage = values.TryGetValue(MessageCodePage, out var page) || values.TryGetValue(InternetCodePage, out page) ? (int)(page & 0xFFFF) : codePage;
        Task<string?> TextAsync(string property) => StringPropertyAsync(file, storage, property, codePage, cancellationToken);

        var body = await TextAsync(Body);

        // PR_HTML is binary (0102), the HTML's bytes in the message's Internet code page; some writers keep it as a string.
        var internetCodePage = values.TryGetValue(InternetCodePage, out var internetPage) ? (int)(internetPage & 0xFFFF) : 65001;
        var html = await file.ReadStreamAsync(storage, $"__substg1.0_{Html}0102", cancellationToken) is { } bytes
            ? CodePageText.Decode(bytes, internetCodePage)?.TrimEnd('\0')
            : await TextAsync(Html);
        var (attachments, embedded) = await AttachmentsAsync(file, storage, codePage, depth, cancellationToken);
        if (await TextAsync(TransportHeaders) is { Length: > 0 } headers)
        {
            return new OutlookMessage(headers, body, html, null, null, attachments, embedded);
        }

        // Without the Internet header: the fields the properties give, written as a header for the same reading.
        var fields = new StringBuilder();
        var name = await TextAsync(SenderName);
        var address = await TextAsync(SenderSmtpAddress) ?? await TextAsync(SenderAddress);
        if (name is not null || address is not null)
        {
            fields.Append("From: ").Append(name).Append(address is null ? string.Empty : $"{(name is null ? string.Empty : " ")}<{address}>").Append("\r\n");
        }

        var (to, cc) = await RecipientsAsync(file, storage, codePage, cancellationToken);
        Append(fields, "To", to);
        Append(fields, "Cc", cc);
        Append(fields, "Subject", await TextAsync(Subject));
        Append(fields, "Message-ID", await TextAsync(InternetMessageId));
        Append(fields, "Delivered-To", await TextAsync(ReceivedBySmtpAddress) ?? (await TextAsync(ReceivedByAddress) is { } mailbox && mailbox.Contains('@', StringComparison.Ordinal) ? mailbox : null));
        return new OutlookMessage(fields.ToString(), body, html, Time(values, ClientSubmitTime), Time(values, MessageDeliveryTime), attachments, embedded);
    }

    /// <summary>
    /// The files the message carries: a storage per attachment (<c>__attach_version1.0_#…</c>, in order), its long or
    /// short file name, its MIME type (PR_ATTACH_MIME_TAG, else <c>application/octet-stream</c>, as <c>msgconvert</c>
    /// writes it) and its data (PR_ATTACH_DATA_BIN), hashed as it is read, never held whole. One marked inline
    /// (PR_ATTACH_CONTENT_DISPOSITION) is no attachment. An embedded message (PR_ATTACH_METHOD 5, its properties in the
    /// storage PR_ATTACH_DATA_OBJ) is named as <c>message/rfc822</c> — by its file name, else by the name Outlook shows
    /// for it (PR_DISPLAY_NAME, its subject) — then read as a message of its own, up to <see cref="MessageBody.MaxDepth"/>
    /// deep: its attachments follow it, and it is returned among the <c>embedded</c> messages for its links. Any other
    /// attachment whose data is no stream (an OLE object) is named without a hash. A damaged attachment costs it and
    /// those after it, not the message's statement.
    /// </summary>
    private static async Task<(List<MessageAttachment> Attachments, List<OutlookMessage> Embedded)> AttachmentsAsync(
        CompoundFileStreams file, uint message, int codePage, int depth, CancellationToken cancellationToken)
    {
        var (attachments, embedded) = (new List<MessageAttachment>(), new List<OutlookMessage>());
        try
        {
            foreach (var storage in await file.StoragesAsync(message, AttachmentStorage, cancellationToken))
            {
                Task<string?> TextAsync(string property) => StringPropertyAsync(file, storage, property, codePage, cancellationToken);

                if (attachments.Count >= MessageBody.MaxAttachments)
                {
                    break;
                }

                if ((await TextAsync(AttachDisposition))?.Trim().StartsWith("inline", StringComparison.OrdinalIgnoreCase) == true)
                {
                    continue;
                }

                var name = await TextAsync(AttachLongFileName) ?? await TextAsync(AttachFileName);
                var method = FixedValues(await file.ReadStreamAsync(storage, Properties, cancellationToken), ObjectPropertiesHeader).GetValueOrDefault(AttachMethod) & 0xFFFFFFFF; // a 4-byte value in its 8
                if (method == EmbeddedMessageMethod && depth < MessageBody.MaxDepth && await file.StorageAsync(storage, EmbeddedMessage, cancellationToken) is { } inner)
                {
                    attachments.Add(MessageBody.Stated(name ?? await TextAsync(DisplayName), "message/rfc822", 0, null));
                    var forwarded = await ReadMessageAsync(file, inner, EmbeddedMessagePropertiesHeader, codePage, depth + 1, cancellationToken);
                    embedded.Add(forwarded);
                    attachments.AddRange(forwarded.Attachments.Take(MessageBody.MaxAttachments - attachments.Count));
                    continue;
                }

                var type = (await TextAsync(AttachMimeTag))?.Split(';')[0].Trim().ToLowerInvariant() ?? "application/octet-stream";
                using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var size = await file.HashStreamAsync(storage, $"__substg1.0_{AttachData}0102", sha256, cancellationToken);
                attachments.Add(MessageBody.Stated(name, type, size ?? 0, size is null ? null : sha256.GetHashAndReset()));
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            // The attachments read before a damaged one stand.
        }

        return (attachments, embedded);
    }

    /// <summary>
    /// Whom the message is addressed and copied to, as its <c>To</c> and <c>Cc</c> fields would name them: its
    /// recipients of type To and Cc (PR_RECIPIENT_TYPE 1 and 2; a recipient without the property counts as a To), a
    /// storage each (<c>__recip_version1.0_#…</c>, in order, read once), each as <c>name &lt;address&gt;</c> — the SMTP
    /// address (PR_SMTP_ADDRESS), else the address of its own type (PR_EMAIL_ADDRESS) — or the address alone when the
    /// name is none or the same; null for a field with none.
    /// </summary>
    private static async Task<(string? To, string? Cc)> RecipientsAsync(CompoundFileStreams file, uint message, int codePage, CancellationToken cancellationToken)
    {
        var (to, cc) = (new List<string>(), new List<string>());
        foreach (var storage in await file.StoragesAsync(message, RecipientStorage, cancellationToken))
        {
            var values = FixedValues(await file.ReadStreamAsync(storage, Properties, cancellationToken), ObjectPropertiesHeader);
            var type = values.TryGetValue(RecipientType, out var value) ? value & 0xFFFFFFFF : ToRecipient; // a 4-byte value in its 8
            if ((type switch { ToRecipient => to, CcRecipient => cc, _ => null }) is not { } recipients)
            {
                continue; // Bcc, or a type of Outlook's own
            }

            Task<string?> TextAsync(string property) => StringPropertyAsync(file, storage, property, codePage, cancellationToken);
            var name = await TextAsync(DisplayName);
            var address = await TextAsync(SmtpAddress) ?? await TextAsync(EmailAddress);
            if ((address is null ? name : name is null || name == address ? address : $"{name} <{address}>") is { Length: > 0 } recipient)
            {
                recipients.Add(recipient);
            }
        }

        return (Joined(to), Joined(cc));

        static string? Joined(List<string> recipients) => recipients.Count > 0 ? string.Join(", ", recipients) : null;
    }

    /// <summary>A string property, each in a stream of its own: Unicode (type 001F), or 8-bit (001E) in the message's code page.</summary>
    private static async Task<string?> StringPropertyAsync(CompoundFileStreams file, uint storage, string property, int codePage, CancellationToken cancellationToken) =>
        await file.ReadStreamAsync(storage, $"__substg1.0_{property}001F", cancellationToken) is { } unicode ? Encoding.Unicode.GetString(unicode).TrimEnd('\0')
        : await file.ReadStreamAsync(storage, $"__substg1.0_{property}001E", cancellationToken) is { } text ? CodePageText.Decode(text, codePage)?.TrimEnd('\0')
        : null;

    private static void Append(StringBuilder fields, string name, string? value)
    {
        if (value is not null)
        {
            fields.Append(name).Append(": ").Append(value).Append("\r\n");
        }
    }

    /// <summary>
    /// The fixed-size values of a property stream: after its header (32 bytes for a message, 24 for an embedded one, 8
    /// for an attachment), entries of 16 bytes (tag, flags, 8 bytes of value).
    /// </summary>
    private static Dictionary<uint, long> FixedValues(byte[]? stream, int header)
    {
        var values = new Dictionary<uint, long>();
        for (var at = header; stream is not null && at + 16 <= stream.Length; at += 16)
        {
            values.TryAdd(BinaryPrimitives.ReadUInt32LittleEndian(stream.AsSpan(at)), BinaryPrimitives.ReadInt64LittleEndian(stream.AsSpan(at + 8)));
        }

        return values;
    }

    /// <summary>A FILETIME property (UTC), when the message has it and it is one.</summary>
    private static DateTimeOffset? Time(Dictionary<uint, long> values, uint tag) =>
        values.TryGetValue(tag, out var ticks) && ticks > 0 && ticks <= DateTime.MaxValue.ToFileTimeUtc() ? new DateTimeOffset(DateTime.FromFileTimeUtc(ticks)) : null;
}

/// <summary>
/// An Outlook message as an Internet message would give it: its header fields (CRLF-separated, as sent or as its
/// properties give them), its plain-text body, its HTML, the submit and delivery times its properties hold when it
/// has no Internet header, its attachments (those of the messages embedded in it among them, each after its message),
/// and the messages embedded in it, in order.
/// </summary>
internal sealed record OutlookMessage(
    string Header,
    string? Body,
    string? Html,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset? DeliveredAt,
    IReadOnlyList<MessageAttachment> Attachments,
    IReadOnlyList<OutlookMessage> Embedded);
