using System.Globalization;
using System.Text;
using EvidenceVault.Evidence;
using EvidenceVault.Serialization;

namespace EvidenceVault.Bundles;

/// <summary><c>data/items.csv</c>: the catalog for a spreadsheet (UTF-8 with BOM so Excel shows Chinese names).</summary>
internal static class ItemsCsv
{
    /// <summary>The columns, in order: the first row of the file.</summary>
    public static IReadOnlyList<string> Columns { get; } = "item_id,file,kind,content_type,file_name,size,sha256,captured_at_claimed,received_at_utc,received_at_beijing,timestamp_status,timestamp_gen_time_utc,timestamp_authority,source_url,note,contributor,contributor_role,contributor_label,custody_seq,snapshot_source,snapshot_url,snapshot_captured_at_utc,captured_by,captured_site_certificates,recording_source,recording_duration_seconds,recording_recorded_at_utc,recording_local_time,recording_utc_offset,recording_device,photo_taken_at,photo_utc_offset,photo_device,message_from,message_to,message_cc,message_subject,message_sent_at_utc,message_id,message_delivered_at_utc,message_delivered_by,message_delivered_to,message_links,message_forwarded,document_author,document_created_at,document_last_modified_by,document_modified_at,document_application,document_company,message_attachments,chat_participants,chat_writers,chat_messages,chat_first_message_at,chat_last_message_at,chat_links,chat_accounts,message_signatures,message_authenticated_by,message_authentication_results".Split(',');

    public static string Format(IEnumerable<EvidenceItemRecord> items)
    {
        var csv = new StringBuilder("\uFEFF").AppendJoin(',', Columns).Append("\r\n");
        foreach (var item in items)
        {
            csv.AppendJoin(',', Cells(item)).Append("\r\n");
        }

        return csv.ToString();
    }

    /// <summary>An item's row as written: one cell per column, each quoted as the file has it.</summary>
    public static string[] Cells(EvidenceItemRecord item)
    {
        string[] fields =
        [
            item.ItemId, item.File ?? string.Empty, item.Kind, item.ContentType, item.FileName ?? string.Empty,
            item.Size.ToString(CultureInfo.InvariantCulture), item.Sha256,
            item.CapturedAt is { } captured ? VaultJson.FormatUtc(captured) : string.Empty,
            VaultJson.FormatUtc(item.ReceivedAt),
            BeijingTime.Of(item.ReceivedAt).ToString("yyyy-MM-dd HH:mm:ss.fff '+08:00'", CultureInfo.InvariantCulture),
            item.Timestamp?.Status ?? string.Empty,
            item.Timestamp?.GenTime is { } genTime ? VaultJson.FormatUtc(genTime) : string.Empty,
            item.Timestamp?.Authority ?? string.Empty,
            item.SourceUrl ?? string.Empty, item.Note ?? string.Empty, item.Contributor ?? string.Empty, item.ContributorRole ?? string.Empty, item.ContributorLabel ?? string.Empty, item.Custody.Seq.ToString(CultureInfo.InvariantCulture),
            item.Snapshot?.Source ?? string.Empty, item.Snapshot?.Url ?? string.Empty,
            item.Snapshot?.CapturedAt is { } snapshotAt ? VaultJson.FormatUtc(snapshotAt) : string.Empty,
            item.CapturedBy ?? string.Empty,
            string.Join("; ", (item.CapturedSites ?? []).Select(site => $"{site.Site} sha256:{site.Sha256}")),
            item.Recording?.Source ?? string.Empty,
            item.Recording?.DurationSeconds?.ToString("0.###", CultureInfo.InvariantCulture) ?? string.Empty,
            item.Recording?.RecordedAt is { } recordedAt ? VaultJson.FormatUtc(recordedAt) : string.Empty,
            item.Recording?.LocalTime ?? string.Empty, item.Recording?.UtcOffset ?? string.Empty, item.Recording?.Device ?? string.Empty,
            item.Photo?.TakenAt ?? string.Empty, item.Photo?.UtcOffset ?? string.Empty, item.Photo?.Device ?? string.Empty,
            item.Message?.From ?? string.Empty, item.Message?.To ?? string.Empty, item.Message?.Cc ?? string.Empty, item.Message?.Subject ?? string.Empty,
            item.Message?.SentAt is { } sentAt ? VaultJson.FormatUtc(sentAt) : string.Empty,
            item.Message?.MessageId ?? string.Empty,
            item.Message?.DeliveredAt is { } deliveredAt ? VaultJson.FormatUtc(deliveredAt) : string.Empty,
            item.Message?.DeliveredBy ?? string.Empty, item.Message?.DeliveredTo ?? string.Empty,
            string.Join(' ', item.Message?.Links ?? []),
            string.Join(" | ", (item.Message?.Forwarded ?? []).Select(Forwarded)),
            item.Document?.Author ?? string.Empty, item.Document?.CreatedAt ?? string.Empty,
            item.Document?.LastModifiedBy ?? string.Empty, item.Document?.ModifiedAt ?? string.Empty, item.Document?.Application ?? string.Empty, item.Document?.Company ?? string.Empty,
            string.Join(" | ", (item.Message?.Attachments ?? []).Select(Attachment)),
            string.Join(" | ", item.Chat?.Participants ?? []), item.Chat?.Writers.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            item.Chat?.Messages.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            item.Chat?.FirstMessageAt ?? string.Empty, item.Chat?.LastMessageAt ?? string.Empty, string.Join(' ', item.Chat?.Links ?? []),
            string.Join(" | ", item.Chat?.Accounts ?? []),
            string.Join(" | ", (item.Message?.Signatures ?? []).Select(Signature)),
            item.Message?.AuthenticatedBy ?? string.Empty, item.Message?.AuthenticationResults ?? string.Empty,
        ];

        return [.. fields.Select(Quote)];
    }

    /// <summary>
    /// The rows of an <c>items.csv</c>, each cell exactly as the file has it (quotes and all), so that it compares
    /// with <see cref="Cells"/>; the byte order mark is skipped.
    /// </summary>
    public static List<List<string>> RawRows(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        var start = text.StartsWith('\uFEFF') ? 1 : 0;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                quoted = !quoted; // a doubled quote inside a quoted cell turns it off and on again
            }
            else if (!quoted && c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
                continue;
            }
            else if (!quoted && c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add(row);
                row = [];
                i++;
                continue;
            }

            cell.Append(c);
        }

        if (cell.Length > 0 || row.Count > 0)
        {
            row.Add(cell.ToString());
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>A forwarded mail's header as one cell's part: <c>from 京东客服 &lt;…&gt; · to victim@… · subject … · sent 2026-11-20T14:03:17.000Z</c>.</summary>
    private static string Forwarded(MessageInfo forwarded) =>
        string.Join(" · ", new[]
        {
            forwarded.From is { } from ? "from " + from : null,
            forwarded.To is { } to ? "to " + to : null,
            forwarded.Cc is { } cc ? "cc " + cc : null,
            forwarded.Subject is { } subject ? "subject " + subject : null,
            forwarded.SentAt is { } sent ? "sent " + VaultJson.FormatUtc(sent) : null,
            forwarded.MessageId is { } id ? "id " + id : null,
            forwarded.DeliveredBy is { } by ? "taken in by " + by : null,
            forwarded.DeliveredAt is { } at ? "at " + VaultJson.FormatUtc(at) : null,
            forwarded.DeliveredTo is { } mailbox ? "delivered to " + mailbox : null,
            forwarded.AuthenticatedBy is { } authenticatedBy ? $"authentication by {authenticatedBy}: {forwarded.AuthenticationResults ?? "-"}" : null,
            forwarded.Signatures is { Count: > 0 } signatures ? "dkim " + string.Join(", ", signatures.Select(Signature)) : null,
        }.Where(part => part is not null));

    /// <summary>A DKIM signature as one cell's part: <c>refund-center.example s=mail2026 rsa-sha256 pass</c>.</summary>
    private static string Signature(MailSignature signature) =>
        string.Join(' ', new[] { signature.Domain ?? "-", "s=" + (signature.Selector ?? "-"), signature.Algorithm ?? "-", signature.Result });

    /// <summary>An attachment as one cell's part: <c>退款申请表.pdf (application/pdf, 48213 bytes, sha256:…)</c>.</summary>
    private static string Attachment(MessageAttachment attachment) =>
        $"{attachment.FileName ?? "-"} ({attachment.ContentType}" +
        (attachment.Sha256 is { } sha256 ? string.Create(CultureInfo.InvariantCulture, $", {attachment.Size} bytes, sha256:{sha256})") : ")");

    private static string Quote(string field)
    {
        // RFC 4180 quoting, and a leading quote mark on values a spreadsheet would run as a formula.
        var safe = field.Length > 0 && "=+-@".Contains(field[0], StringComparison.Ordinal) ? "'" + field : field;
        return safe.AsSpan().IndexOfAny(",\"\r\n") >= 0 || safe != field ? "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : safe;
    }
}
