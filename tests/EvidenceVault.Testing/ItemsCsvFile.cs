using System.Text;

namespace EvidenceVault.Testing;

/// <summary>A bundle's <c>data/items.csv</c> read as a spreadsheet reads it (RFC 4180: quoted fields, doubled quotes), by column name.</summary>
public static class ItemsCsvFile
{
    /// <summary>Each row after the header, as column name to value.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Read(string path)
    {
        var rows = Parse(File.ReadAllText(path, Encoding.UTF8).TrimStart('\uFEFF'));
        var header = rows[0];
        return [.. rows.Skip(1).Select(row => (IReadOnlyDictionary<string, string>)header.Select((name, i) => (name, row[i])).ToDictionary(c => c.name, c => c.Item2))];
    }

    private static List<List<string>> Parse(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                row.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                field.Append(c);
            }
        }

        return rows;
    }
}
