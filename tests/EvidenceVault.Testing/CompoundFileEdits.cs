using System.Buffers.Binary;
using System.Text;

namespace EvidenceVault.Testing;

/// <summary>Reading and editing a compound file's directory, for the cases no program at hand writes (an empty or a foreign root class, a renamed stream).</summary>
public static class CompoundFileEdits
{
    /// <summary>Where a compound file's directory begins, from its header.</summary>
    public static int DirectoryOffset(byte[] file) =>
        (int)((BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(0x30)) + 1) << BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(0x1E)));

    /// <summary>The class id of a compound file's root storage, as it stands.</summary>
    public static Guid RootClass(byte[] file) => new(file.AsSpan(DirectoryOffset(file) + 80, 16));

    /// <summary>A copy of <paramref name="file"/> whose root storage names <paramref name="classId"/>.</summary>
    public static byte[] WithRootClass(byte[] file, Guid classId)
    {
        var copy = (byte[])file.Clone();
        classId.TryWriteBytes(copy.AsSpan(DirectoryOffset(copy) + 80, 16));
        return copy;
    }

    /// <summary>A copy of <paramref name="file"/> whose directory entry <paramref name="from"/> is called <paramref name="to"/> (of the same length).</summary>
    public static byte[] WithStreamRenamed(byte[] file, string from, string to)
    {
        var copy = (byte[])file.Clone();
        var name = Encoding.Unicode.GetBytes(from);
        var at = copy.AsSpan(DirectoryOffset(copy)).IndexOf(name);
        if (at < 0 || to.Length != from.Length)
        {
            throw new ArgumentException($"No directory entry {from}, or {to} is not as long.", nameof(from));
        }

        Encoding.Unicode.GetBytes(to).CopyTo(copy, DirectoryOffset(copy) + at);
        return copy;
    }
}
