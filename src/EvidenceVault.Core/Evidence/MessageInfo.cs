namespace EvidenceVault.Evidence;

/// <summary>
/// What a saved e-mail (<c>.eml</c>, RFC 5322) says about itself in its header: who it claims to be from, whom it is
/// addressed to, its subject, when the sender's program says it was sent, its message id, and when and by which server
/// the recipient's mail provider took it in (the top <c>Received</c> field, the last one written, by the provider's own
/// clock), and the mailbox it delivered it to. Like <see cref="PageSnapshotOrigin"/>, statements of the file that a court expert can read in the file
/// itself, kept beside the victim's claims. The sender's fields can be forged by whoever sent a phishing mail; the top
/// <c>Received</c> field is the recipient's provider's own.
/// </summary>
public sealed record MessageInfo
{
    /// <summary>Where it was read (<see cref="MessageSources"/>).</summary>
    public required string Source { get; init; }

    /// <summary>The <c>From</c> field, its encoded words decoded: <c>京东客服 &lt;service@refund-center.example&gt;</c>.</summary>
    public string? From { get; init; }

    /// <summary>
    /// The <c>To</c> field, its encoded words decoded: whom the sender addressed — in a phishing mail sent to each
    /// victim, the victim's own address, which ties the mail to the mailbox it reached. A mail sent to undisclosed
    /// recipients names none of them here.
    /// </summary>
    public string? To { get; init; }

    /// <summary>
    /// The <c>Cc</c> field, its encoded words decoded: whom the sender copied in — in a phishing mail sent to many
    /// victims at once, the others it reached, whom a group suit can find. An Outlook message without its Internet
    /// header gives its recipients of type Cc.
    /// </summary>
    public string? Cc { get; init; }

    /// <summary>The <c>Subject</c> field, its encoded words decoded.</summary>
    public string? Subject { get; init; }

    /// <summary>The <c>Date</c> field (UTC): when the sender's program says it sent the message.</summary>
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>The <c>Message-ID</c> field, as written.</summary>
    public string? MessageId { get; init; }

    /// <summary>The date of the top <c>Received</c> field (UTC): when the recipient's provider took the message in.</summary>
    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>The server that top <c>Received</c> field names after <c>by</c>.</summary>
    public string? DeliveredBy { get; init; }

    /// <summary>
    /// The top <c>Delivered-To</c> field: the mailbox the recipient's provider delivered the message to, written by that
    /// provider, not by the sender — in a phishing mail sent to its victims as hidden (Bcc) recipients, whose
    /// <see cref="To"/> names none of them, the only field that ties the copy to the victim's mailbox. An Outlook
    /// message without its Internet header gives the mailbox it was received by (PR_RECEIVED_BY_SMTP_ADDRESS).
    /// </summary>
    public string? DeliveredTo { get; init; }

    /// <summary>
    /// The authentication service the top <c>Authentication-Results</c> field names (RFC 8601): in a delivered mail,
    /// the recipient's provider's own (<c>mx.google.com</c>), which wrote the field when it took the message in.
    /// </summary>
    public string? AuthenticatedBy { get; init; }

    /// <summary>
    /// What that service found when it took the message in, as the top <c>Authentication-Results</c> field says, its
    /// comments left out and its results joined by <c>; </c>: <c>dkim=pass header.i=@refund-center.example;
    /// spf=pass smtp.mailfrom=bounce@refund-center.example; dmarc=pass header.from=refund-center.example</c> — the
    /// provider's verdict on the day of delivery, which stands when a domain's key has since been replaced.
    /// </summary>
    public string? AuthenticationResults { get; init; }

    /// <summary>
    /// The web addresses the message's text points to, in order, each once (at most 32, from its first 4 MiB): the
    /// <c>href</c>s and form <c>action</c>s of its HTML parts and the addresses in its plain-text parts, attached web
    /// pages and texts and mails forwarded inside it among them — in a phishing mail, the fake page.
    /// </summary>
    public IReadOnlyList<string>? Links { get; init; }

    /// <summary>
    /// The files it carries as attachments, in order (at most 32; an attachment that runs past what is read is left
    /// out): an <c>.eml</c>'s parts marked as attachments, from its first 64 MiB — a mail forwarded inside it named,
    /// then followed by its own —, or an Outlook <c>.msg</c>'s attachments.
    /// </summary>
    public IReadOnlyList<MessageAttachment>? Attachments { get; init; }

    /// <summary>
    /// What the header of each mail forwarded inside it "as an attachment" says, in order, a forward's before those it
    /// forwards in turn — in a victim's forward, the phishing mail's own sender, recipient, subject, dates and the server
    /// that delivered it to the victim: each as this statement's header fields are read, without links or attachments
    /// of its own (those are among this statement's), but with its own DKIM <see cref="Signatures"/>, checked on its
    /// bytes as they stand inside the forward. As many as keep them within
    /// <see cref="MessageInfoReader.MaxForwardedChars"/> characters of JSON.
    /// </summary>
    public IReadOnlyList<MessageInfo>? Forwarded { get; init; }

    /// <summary>
    /// The DKIM signatures in an <c>.eml</c>'s header, topmost first, each as the vault checked it when it received the
    /// file (<see cref="MailSignature"/>): which domain signed the message, whether its body and signed fields are still
    /// the ones signed, and the key that domain published then — a statement a forger of the <c>From</c> field cannot
    /// make. Null when the message is unsigned or was not checked.
    /// </summary>
    public IReadOnlyList<MailSignature>? Signatures { get; init; }

    /// <summary>Equal when every field is, the links, attachments, forwarded mails and signatures in the same order.</summary>
    public bool Equals(MessageInfo? other) =>
        other is not null && Source == other.Source && From == other.From && To == other.To && Cc == other.Cc && Subject == other.Subject && SentAt == other.SentAt &&
        MessageId == other.MessageId && DeliveredAt == other.DeliveredAt && DeliveredBy == other.DeliveredBy && DeliveredTo == other.DeliveredTo &&
        AuthenticatedBy == other.AuthenticatedBy && AuthenticationResults == other.AuthenticationResults &&
        (Links ?? []).SequenceEqual(other.Links ?? []) && (Attachments ?? []).SequenceEqual(other.Attachments ?? []) &&
        (Forwarded ?? []).SequenceEqual(other.Forwarded ?? []) && (Signatures ?? []).SequenceEqual(other.Signatures ?? []);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Source, From, To, Subject, SentAt, MessageId, DeliveredAt, HashCode.Combine(Cc, DeliveredBy, DeliveredTo, AuthenticationResults, (Links?.Count ?? 0) + (Attachments?.Count ?? 0) + (Forwarded?.Count ?? 0) + (Signatures?.Count ?? 0)));
}

/// <summary>The <see cref="MessageInfo.Source"/> values.</summary>
public static class MessageSources
{
    /// <summary>An Internet message as mail programs save it (<c>.eml</c>): its header fields.</summary>
    public const string Eml = "eml";

    /// <summary>A message Outlook saved (<c>.msg</c>): the Internet header it kept, or else its properties.</summary>
    public const string Msg = "msg";
}
