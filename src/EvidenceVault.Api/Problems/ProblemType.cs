namespace EvidenceVault.Api.Problems;

/// <summary>A kind of error the API answers with (RFC 9457). <see cref="Type"/> is stable: clients may switch on it.</summary>
/// <param name="Code">The short name, the last part of <see cref="Type"/>.</param>
/// <param name="Status">HTTP status.</param>
/// <param name="Title">Short human summary (the same for every occurrence).</param>
internal sealed record ProblemType(string Code, int Status, string Title)
{
    public const string TypePrefix = "urn:evidencevault:problem:";

    public string Type => TypePrefix + Code;

    public static readonly ProblemType EmptyEvidence = new("empty-evidence", 400, "The upload has no bytes.");
    public static readonly ProblemType IncompleteBody = new("incomplete-body", 400, "The upload ended before all its bytes arrived.");
    public static readonly ProblemType MalformedHeader = new("malformed-header", 400, "A request header is not valid.");
    public static readonly ProblemType MalformedRequest = new("malformed-request", 400, "The request is not valid.");
    public static readonly ProblemType Unauthorized = new("unauthorized", 401, "A valid case token is required.");
    public static readonly ProblemType TokenRevoked = new("token-revoked", 401, "This token was revoked.");
    public static readonly ProblemType TokenExpired = new("token-expired", 401, "This token has expired.");
    public static readonly ProblemType Forbidden = new("forbidden", 403, "This caller may not do that.");
    public static readonly ProblemType CaseNotFound = new("case-not-found", 404, "No such case.");
    public static readonly ProblemType ItemNotFound = new("item-not-found", 404, "No such item in this case.");
    public static readonly ProblemType GrantNotFound = new("grant-not-found", 404, "No such grant in this case.");
    public static readonly ProblemType TimestampPending = new("timestamp-pending", 404, "The item's trusted timestamp is not granted yet.");
    public static readonly ProblemType NotFound = new("not-found", 404, "Nothing is here.");
    public static readonly ProblemType LogSizeInvalid = new("log-size-invalid", 400, "The vault log has no such sizes.");
    public static readonly ProblemType RateLimited = new("rate-limited", 429, "Too many requests.");
    public static readonly ProblemType CaseQuotaExceeded = new("case-quota-exceeded", 507, "The case has reached its item or storage quota; nothing was stored.");
    public static readonly ProblemType OperatorKeyRequired = new("operator-key-required", 401, "Opening a case needs the operator's key.");
    public static readonly ProblemType EvidenceTooLarge = new("evidence-too-large", 413, "The upload is larger than the vault accepts in one request.");
    public static readonly ProblemType UnsupportedEvidenceType = new("unsupported-evidence-type", 415, "The bytes are not an accepted evidence format.");
    public static readonly ProblemType MailboxExport = new("mailbox-export", 415, "The file is a mailbox export (mbox) of a whole folder of e-mails; the vault takes each e-mail on its own.");
    public static readonly ProblemType KindMismatch = new("kind-mismatch", 415, "The bytes do not match the declared evidence kind.");
    public static readonly ProblemType DigestMismatch = new("digest-mismatch", 422, "The bytes do not match the declared digest.");
    public static readonly ProblemType TusVersionUnsupported = new("tus-version-unsupported", 412, "The request needs Tus-Resumable: 1.0.0.");
    public static readonly ProblemType UploadContentType = new("upload-content-type", 415, "A PATCH body must be application/offset+octet-stream.");
    public static readonly ProblemType ChecksumAlgorithmUnsupported = new("checksum-algorithm-unsupported", 400, "The Upload-Checksum algorithm is not supported.");
    public static readonly ProblemType UploadNotFound = new("upload-not-found", 404, "No such upload in this case.");
    public static readonly ProblemType UploadOffsetMismatch = new("upload-offset-mismatch", 409, "The upload is not at that offset.");
    public static readonly ProblemType UploadCompleted = new("upload-completed", 403, "The upload is complete.");
    public static readonly ProblemType UploadGone = new("upload-gone", 410, "The upload was terminated, expired or refused.");
    public static readonly ProblemType UploadLengthExceeded = new("upload-length-exceeded", 413, "The request carries more bytes than the upload has left.");
    public static readonly ProblemType ChunkTooLarge = new("chunk-too-large", 413, "The PATCH carries more bytes than one request may.");
    public static readonly ProblemType ChecksumMismatch = new("checksum-mismatch", 460, "The chunk does not match its Upload-Checksum; it was discarded.");
    public static readonly ProblemType CaptureDisabled = new("capture-disabled", 403, "This vault does not capture pages.");
    public static readonly ProblemType CaptureUrlInvalid = new("capture-url-invalid", 400, "The address to capture is not an absolute http(s) URL.");
    public static readonly ProblemType CaptureAddressForbidden = new("capture-address-forbidden", 422, "The address to capture is not on the public internet.");
    public static readonly ProblemType CaptureTooLarge = new("capture-too-large", 422, "The page is larger than one capture keeps; nothing was stored.");
    public static readonly ProblemType CaptureUnreachable = new("capture-unreachable", 502, "The page could not be fetched; nothing was stored.");
    public static readonly ProblemType CaptureTimedOut = new("capture-timed-out", 504, "The page did not answer in time; nothing was stored.");
    public static readonly ProblemType InternalError = new("internal-error", 500, "The vault failed; nothing half-stored is ever indexed. Try again.");
    public static readonly ProblemType StorageUnavailable = new("storage-unavailable", 503, "Evidence storage is unavailable; nothing was stored. Try again.");
    public static readonly ProblemType StorageNotImmutable = new("storage-not-immutable", 503, "Evidence storage is not write-once; the vault takes no evidence until it is.");
    public static readonly ProblemType VaultLogInconsistent = new("vault-log-inconsistent", 503, "The vault log no longer extends its last stored checkpoint; the vault makes no bundle until it is restored.");

    /// <summary>Every problem type, for the documentation test.</summary>
    public static IReadOnlyList<ProblemType> All { get; } =
    [
        EmptyEvidence, IncompleteBody, MalformedHeader, MalformedRequest, Unauthorized, TokenRevoked, TokenExpired, Forbidden, CaseNotFound, ItemNotFound, GrantNotFound, TimestampPending, NotFound, LogSizeInvalid,
        RateLimited, CaseQuotaExceeded, OperatorKeyRequired, EvidenceTooLarge, UnsupportedEvidenceType, MailboxExport, KindMismatch, DigestMismatch,
        TusVersionUnsupported, UploadContentType, ChecksumAlgorithmUnsupported, UploadNotFound, UploadOffsetMismatch, UploadCompleted, UploadGone, UploadLengthExceeded, ChunkTooLarge, ChecksumMismatch,
        CaptureDisabled, CaptureUrlInvalid, CaptureAddressForbidden, CaptureTooLarge, CaptureUnreachable, CaptureTimedOut,
        InternalError, StorageUnavailable, StorageNotImmutable, VaultLogInconsistent,
    ];
}

/// <summary>A request the vault refuses, with the problem to answer.</summary>
internal sealed class VaultProblemException(ProblemType problem, string detail) : Exception(detail)
{
    public ProblemType Problem { get; } = problem;
}
