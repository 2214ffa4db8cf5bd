using EvidenceVault.Evidence;

namespace EvidenceVault.Custody;

/// <summary>
/// How an <c>item.received</c> custody line records what an office document's properties say (<see cref="DocumentInfo"/>),
/// so that statement is hash-chained with the receipt of the bytes and a bundle's <c>items.json</c> can be checked against it.
/// </summary>
public static class DocumentDetails
{
    /// <summary>Detail naming where the statement was read (<c>ooxml</c>, <c>odf</c>, <c>pdf</c>, <c>cfb</c>).</summary>
    public const string Source = "documentSource";

    /// <summary>Detail with the author the document names.</summary>
    public const string Author = "documentAuthor";

    /// <summary>Detail with who, the document says, saved it last.</summary>
    public const string LastModifiedBy = "documentLastModifiedBy";

    /// <summary>Detail with when, the document says, it was first written, as it gives it.</summary>
    public const string CreatedAt = "documentCreatedAt";

    /// <summary>Detail with when, the document says, it was saved last, as it gives it.</summary>
    public const string ModifiedAt = "documentModifiedAt";

    /// <summary>Detail with the program that wrote it, as it names itself.</summary>
    public const string Application = "documentApplication";

    /// <summary>Detail with the organisation the document names as its own.</summary>
    public const string Company = "documentCompany";

    /// <summary>The details for <paramref name="document"/>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Of(DocumentInfo document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return StatementDetails.Given(
            (Source, document.Source), (Author, document.Author), (LastModifiedBy, document.LastModifiedBy),
            (CreatedAt, document.CreatedAt), (ModifiedAt, document.ModifiedAt), (Application, document.Application), (Company, document.Company));
    }

    /// <summary>The statement a custody line records, or null when it records none.</summary>
    public static DocumentInfo? From(IReadOnlyDictionary<string, string>? details) =>
        details is not null && details.TryGetValue(Source, out var source)
            ? new DocumentInfo
            {
                Source = source,
                Author = details.GetValueOrDefault(Author),
                LastModifiedBy = details.GetValueOrDefault(LastModifiedBy),
                CreatedAt = details.GetValueOrDefault(CreatedAt),
                ModifiedAt = details.GetValueOrDefault(ModifiedAt),
                Application = details.GetValueOrDefault(Application),
                Company = details.GetValueOrDefault(Company),
            }
            : null;
}
