using System.Diagnostics.Metrics;

namespace EvidenceVault.Api.Monitoring;

/// <summary>
/// What an operator watches besides requests and storage calls: evidence taken in, trusted time granted or put off
/// (an authority that stops answering shows here first), resumable uploads that victims never finish, files whose
/// statements the vault could not read, and refusals by their stable problem type. Tags carry kinds, outcomes,
/// authority names, content types and problem types only — never a case, an item, a file name or a token.
/// </summary>
internal sealed class VaultMetrics
{
    public const string MeterName = "EvidenceVault";

    // Instrument and tag names: the alert rules in infra/app/alerts.bicep query them by name.
    public const string ItemsReceived = "evidencevault.items.received";
    public const string EvidenceReceived = "evidencevault.evidence.received";
    public const string Timestamps = "evidencevault.timestamps";
    public const string Problems = "evidencevault.problems";
    public const string Uploads = "evidencevault.uploads";
    public const string LogEntries = "evidencevault.log.entries";
    public const string UnreadStatements = "evidencevault.statements.unread";
    public const string KindTag = "evidencevault.kind";
    public const string TimestampOutcomeTag = "evidencevault.timestamp.outcome";
    public const string TimestampAuthorityTag = "evidencevault.timestamp.authority";
    public const string ProblemTypeTag = "evidencevault.problem.type";
    public const string UploadOutcomeTag = "evidencevault.upload.outcome";
    public const string LogEntrySourceTag = "evidencevault.log.source";
    public const string LogEntryOutcomeTag = "evidencevault.log.outcome";
    public const string ContentTypeTag = "evidencevault.content.type";

    private readonly Counter<long> _itemsReceived;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _timestamps;
    private readonly Counter<long> _problems;
    private readonly Counter<long> _uploads;
    private readonly Counter<long> _logEntries;
    private readonly Counter<long> _unreadStatements;

    public VaultMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _itemsReceived = meter.CreateCounter<long>(ItemsReceived, "{item}", "Evidence items stored write-once and indexed (a sender's same bytes again count once).");
        _bytesReceived = meter.CreateCounter<long>(EvidenceReceived, "By", "Bytes of evidence stored write-once.");
        _timestamps = meter.CreateCounter<long>(Timestamps, "{attempt}", "RFC 3161 timestamp attempts: granted, rejected or unreachable per authority; pending when none granted one.");
        _problems = meter.CreateCounter<long>(Problems, "{response}", "Requests answered with problem details, by their stable type.");
        _uploads = meter.CreateCounter<long>(Uploads, "{upload}", "Resumable uploads opened, and how they ended: completed, refused, terminated by the client, or expired unfinished.");
        _logEntries = meter.CreateCounter<long>(LogEntries, "{entry}", "Case custody heads entered into the vault log, by what entered them (a receipt, an export), and entries that could not be made.");
        _unreadStatements = meter.CreateCounter<long>(UnreadStatements, "{item}", "Items stored and indexed without what the file says of itself, because the vault's reader of its format failed on it or ran out of time.");
    }

    /// <summary>An item was stored and indexed for the first time.</summary>
    public void ItemReceived(string kind, long size)
    {
        var tag = new KeyValuePair<string, object?>(KindTag, kind);
        _itemsReceived.Add(1, tag);
        _bytesReceived.Add(size, tag);
    }

    /// <summary>An authority granted a token, or its answer failed the checks, or it could not be reached.</summary>
    public void TimestampAttempt(string outcome, string authority) =>
        _timestamps.Add(1, new(TimestampOutcomeTag, outcome), new(TimestampAuthorityTag, authority));

    /// <summary>No authority granted a token this round: the item waits for the retry worker.</summary>
    public void TimestampPending() => _timestamps.Add(1, new KeyValuePair<string, object?>(TimestampOutcomeTag, TimestampOutcomes.Pending));

    /// <summary>A resumable upload was opened or ended (<see cref="UploadOutcomes"/>).</summary>
    public void Upload(string outcome) => _uploads.Add(1, new KeyValuePair<string, object?>(UploadOutcomeTag, outcome));

    /// <summary>A custody head was entered into the vault log by a receipt or an export, or could not be (<see cref="LogEntrySources"/>, <see cref="LogEntryOutcomes"/>).</summary>
    public void LogEntry(string source, string outcome) =>
        _logEntries.Add(1, new(LogEntrySourceTag, source), new(LogEntryOutcomeTag, outcome));

    /// <summary>A reader of <paramref name="contentType"/> files failed on one: the item was indexed without its statements.</summary>
    public void StatementsUnread(string contentType) => _unreadStatements.Add(1, new KeyValuePair<string, object?>(ContentTypeTag, contentType));

    /// <summary>A request was answered with a problem.</summary>
    public void Problem(string? type, int? status) =>
        _problems.Add(1, new(ProblemTypeTag, type ?? "about:blank"), new("http.response.status_code", status));
}

/// <summary>The outcomes <see cref="VaultMetrics.TimestampAttempt"/> and <see cref="VaultMetrics.TimestampPending"/> record.</summary>
internal static class TimestampOutcomes
{
    public const string Granted = "granted";
    public const string Rejected = "rejected";
    public const string Unreachable = "unreachable";
    public const string Pending = "pending";
}

/// <summary>What <see cref="VaultMetrics.Upload"/> records of a resumable upload.</summary>
internal static class UploadOutcomes
{
    public const string Opened = "opened";
    public const string Completed = "completed";
    public const string Refused = "refused";
    public const string Terminated = "terminated";
    public const string Expired = "expired";
}

/// <summary>Which step <see cref="VaultMetrics.LogEntry"/> records as entering a custody head.</summary>
internal static class LogEntrySources
{
    public const string Receipt = "receipt";
    public const string Export = "export";
}

/// <summary>Whether the entry <see cref="VaultMetrics.LogEntry"/> records could be made.</summary>
internal static class LogEntryOutcomes
{
    public const string Appended = "appended";
    public const string Failed = "failed";
}
