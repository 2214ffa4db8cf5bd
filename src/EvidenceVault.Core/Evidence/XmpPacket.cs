using System.Xml;

namespace EvidenceVault.Evidence;

/// <summary>
/// What an XMP packet (ISO 16684-1) — a PDF's metadata stream — says of a document's making: the first
/// <c>dc:creator</c>, <c>xmp:CreateDate</c>, <c>xmp:ModifyDate</c>, and the program, <c>xmp:CreatorTool</c> or else
/// <c>pdf:Producer</c>, written as elements or as attributes of <c>rdf:Description</c>. Read as the office documents'
/// properties are (<see cref="DocumentInfoReader.StatementXml"/>): no DTDs, nothing resolved.
/// </summary>
internal static class XmpPacket
{
    private const string DublinCore = "http://purl.org/dc/elements/1.1/";
    private const string Xmp = "http://ns.adobe.com/xap/1.0/";
    private const string Pdf = "http://ns.adobe.com/pdf/1.3/";
    private const string Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

    /// <summary>The statement of <paramref name="packet"/>; null when it names none of it.</summary>
    public static DocumentInfo? Read(byte[] packet)
    {
        var values = new Dictionary<(string, string), string>();
        using var reader = XmlReader.Create(new MemoryStream(packet, writable: false), DocumentInfoReader.StatementXml(packet.Length));
        var property = (Namespace: string.Empty, Name: string.Empty);
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                if (reader is { NamespaceURI: Rdf, LocalName: "Description" } && reader.MoveToFirstAttribute())
                {
                    do
                    {
                        values.TryAdd((reader.NamespaceURI, reader.LocalName), reader.Value);
                    }
                    while (reader.MoveToNextAttribute());
                }
                else if (reader.NamespaceURI != Rdf)
                {
                    property = (reader.NamespaceURI, reader.LocalName);
                }
            }
            else if (reader.NodeType == XmlNodeType.EndElement && reader.NamespaceURI != Rdf)
            {
                property = (string.Empty, string.Empty);
            }
            else if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA && property.Name.Length > 0)
            {
                values.TryAdd(property, reader.Value); // a list's first item: dc:creator's first author
            }
        }

        return new DocumentInfo
        {
            Source = DocumentSources.Xmp,
            Author = values.GetValueOrDefault((DublinCore, "creator")),
            CreatedAt = values.GetValueOrDefault((Xmp, "CreateDate")),
            ModifiedAt = values.GetValueOrDefault((Xmp, "ModifyDate")),
            Application = values.GetValueOrDefault((Xmp, "CreatorTool")) ?? values.GetValueOrDefault((Pdf, "Producer")),
        };
    }
}
