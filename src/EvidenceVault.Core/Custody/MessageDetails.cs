using System.Globalization;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;

namespace EvidenceVault.Custody;

/// <summary>
/// How an <c>item.received</c> custody line records what a saved e-mail's header says (<see cref="MessageInfo"/>), so
/// that statement is hash-chained with the receipt of the bytes and a bundle's <c>items.json</c> can be checked
/// against it, as <see cref="SnapshotDetails"/> does for saved pages.
/// </summary>
public static class MessageDetails
{
    /// <summary>Detail naming where the statement was read (<see cref="MessageSources"/>).</summary>
    public const string Source = "messageSource";

    /// <summary>Detail with the <c>From</c> field, decoded (<c>messageFrom</c>).</summary>
    public const string Sender = "messageFrom";

    /// <summary>Detail with the <c>To</c> field, decoded (<c>messageTo</c>).</summary>
    public const string Recipients = "messageTo";

    /// <summary>Detail with the <c>Cc</c> field, decoded.</summary>
    public const string Copied = "messageCc";

    /// <summary>Detail with the <c>Subject</c> field, decoded.</summary>
    public const string Subject = "messageSubject";

    /// <summary>Detail with the <c>Date</c> field (UTC, ISO 8601).</summary>
    public const string SentAt = "messageSentAt";

    /// <summary>Detail with the <c>Message-ID</c> field.</summary>
    public const string MessageId = "messageId";

    /// <summary>Detail with the top <c>Received</c> field's date (UTC, ISO 8601).</summary>
    public const string DeliveredAt = "messageDeliveredAt";

    /// <summary>Detail with the server the top <c>Received</c> field names.</summary>
    public const string DeliveredBy = "messageDeliveredBy";

    /// <summary>Detail with the authentication service the top <c>Authentication-Results</c> field names.</summary>
    public const string AuthenticatedBy = "messageAuthenticatedBy";

    /// <summary>Detail with what that field says the service found, its comments left out.</summary>
    public const string AuthenticationResults = "messageAuthenticationResults";

    /// <summary>Detail with the web addresses the message's text points to, as a JSON array of strings.</summary>
    public const string Links = "messageLinks";

    /// <summary>Detail with the mailbox the recipient's provider delivered it to (its top <c>Delivered-To</c> field).</summary>
    public const string DeliveredTo = "messageDeliveredTo";

    /// <summary>Detail with the files the message carries as attachments, as a JSON array of <see cref="MessageAttachment"/>.</summary>
    public const string Attachments = "messageAttachments";

    /// <summary>Detail with the headers of the mails forwarded inside the message, as a JSON array of <see cref="MessageInfo"/>.</summary>
    public const string Forwarded = "messageForwarded";

    /// <summary>Detail with the DKIM signatures as the vault checked them, as a JSON array of <see cref="MailSignature"/>.</summary>
    public const string Signatures = "messageSignatures";

    /// <summary>The details for <paramref name="message"/>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Of(MessageInfo message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return StatementDetails.Given(
            (Source, message.Source), (Sender, message.From), (Recipients, message.To), (Copied, message.Cc), (Subject, message.Subject), (SentAt, Utc(message.SentAt)), (MessageId, message.MessageId),
            (DeliveredAt, Utc(message.DeliveredAt)), (DeliveredBy, message.DeliveredBy), (DeliveredTo, message.DeliveredTo),
            (AuthenticatedBy, message.AuthenticatedBy), (AuthenticationResults, message.AuthenticationResults),
            (Links, LinksValue(message.Links)), (Attachments, AttachmentsValue(message.Attachments)), (Forwarded, ForwardedValue(message.Forwarded)), (Signatures, SignaturesValue(message.Signatures)));
    }

    /// <summary>The statement a custody line records, or null when it records none.</summary>
    /// <exception cref="FormatException">A date detail is not a time.</exception>
    public static MessageInfo? From(IReadOnlyDictionary<string, string>? details) =>
        details is not null && details.TryGetValue(Source, out var source)
            ? new MessageInfo
            {
                Source = source,
                From = details.GetValueOrDefault(Sender),
                To = details.GetValueOrDefault(Recipients),
                Cc = details.GetValueOrDefault(Copied),
                Subject = details.GetValueOrDefault(Subject),
                SentAt = Time(details.GetValueOrDefault(SentAt)),
                MessageId = details.GetValueOrDefault(MessageId),
                DeliveredAt = Time(details.GetValueOrDefault(DeliveredAt)),
                DeliveredBy = details.GetValueOrDefault(DeliveredBy),
                DeliveredTo = details.GetValueOrDefault(DeliveredTo),
                AuthenticatedBy = details.GetValueOrDefault(AuthenticatedBy),
                AuthenticationResults = details.GetValueOrDefault(AuthenticationResults),
                Links = LinksFrom(details.GetValueOrDefault(Links)),
                Attachments = AttachmentsFrom(details.GetValueOrDefault(Attachments)),
                Forwarded = ForwardedFrom(details.GetValueOrDefault(Forwarded)),
                Signatures = SignaturesFrom(details.GetValueOrDefault(Signatures)),
            }
            : null;

    /// <summary>The links a <see cref="Links"/> detail (or an index column) holds.</summary>
    /// <exception cref="FormatException">The detail is not a JSON array of strings.</exception>
    public static IReadOnlyList<string>? LinksFrom(string? value) => StatementDetails.ListFrom<string>(value, "links");

    /// <summary>The <see cref="Links"/> detail's value for <paramref name="links"/>, or null for none.</summary>
    public static string? LinksValue(IReadOnlyList<string>? links) => StatementDetails.ListValue(links);

    /// <summary>The attachments an <see cref="Attachments"/> detail (or an index column) holds.</summary>
    /// <exception cref="FormatException">The detail is not a JSON array of attachments.</exception>
    public static IReadOnlyList<MessageAttachment>? AttachmentsFrom(string? value) => StatementDetails.ListFrom<MessageAttachment>(value, "attachments");

    /// <summary>The <see cref="Attachments"/> detail's value for <paramref name="attachments"/>, or null for none.</summary>
    public static string? AttachmentsValue(IReadOnlyList<MessageAttachment>? attachments) => StatementDetails.ListValue(attachments);

    /// <summary>The forwarded mails' headers a <see cref="Forwarded"/> detail (or an index column) holds.</summary>
    /// <exception cref="FormatException">The detail is not a JSON array of message statements.</exception>
    public static IReadOnlyList<MessageInfo>? ForwardedFrom(string? value) => StatementDetails.ListFrom<MessageInfo>(value, "forwarded mails");

    /// <summary>The <see cref="Forwarded"/> detail's value for <paramref name="forwarded"/>, or null for none.</summary>
    public static string? ForwardedValue(IReadOnlyList<MessageInfo>? forwarded) => StatementDetails.ListValue(forwarded);

    /// <summary>The signatures a <see cref="Signatures"/> detail (or an index column) holds.</summary>
    /// <exception cref="FormatException">The detail is not a JSON array of signatures.</exception>
    public static IReadOnlyList<MailSignature>? SignaturesFrom(string? value) => StatementDetails.ListFrom<MailSignature>(value, "signatures");

    /// <summary>The <see cref="Signatures"/> detail's value for <paramref name="signatures"/>, or null for none.</summary>
    public static string? SignaturesValue(IReadOnlyList<MailSignature>? signatures) => StatementDetails.ListValue(signatures);

    private static string? Utc(DateTimeOffset? time) => time is { } value ? VaultJson.FormatUtc(value) : null;

    private static DateTimeOffset? Time(string? value) =>
        value is null ? null : DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
