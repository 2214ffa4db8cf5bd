using System.Runtime.InteropServices;

namespace EvidenceVault.Hashing;

/// <summary>
/// SHA-256 by OpenSSL's libcrypto (the library .NET itself uses for cryptography on Linux), through its
/// <c>SHA256_Update</c> on a context this class owns. <c>SHA256_CTX</c> is a public, stable structure
/// (<c>openssl/sha.h</c>), so its state can be saved and restored as FIPS 180-4 defines it.
/// </summary>
internal sealed unsafe class OpenSslSha256 : ResumableSha256
{
    private static readonly delegate* unmanaged<Sha256Context*, byte*, nuint, int> Update = LoadUpdate();

    private Sha256Context _context;

    public OpenSslSha256()
    {
        Load(new SavedState(InitialWords, 0, []));
    }

    /// <summary>Whether libcrypto and its <c>SHA256_Update</c> were found.</summary>
    public static bool IsAvailable => Update != null;

    public override long Length => (long)(((ulong)_context.Nh << 32) | _context.Nl) / 8;

    public override void Append(ReadOnlySpan<byte> data)
    {
        fixed (byte* bytes = data)
        fixed (Sha256Context* context = &_context)
        {
            if (Update(context, bytes, (nuint)data.Length) != 1)
            {
                throw new InvalidOperationException("OpenSSL SHA256_Update failed.");
            }
        }
    }

    private protected override SavedState Snapshot()
    {
        var words = new uint[8];
        var pending = new byte[_context.Num];
        fixed (Sha256Context* context = &_context)
        {
            new ReadOnlySpan<uint>(context->H, 8).CopyTo(words);
            new ReadOnlySpan<byte>(context->Data, (int)_context.Num).CopyTo(pending);
        }

        return new SavedState(words, Length, pending);
    }

    private protected override void Load(SavedState state)
    {
        var bits = (ulong)state.Length * 8;
        _context = new Sha256Context { Nl = (uint)bits, Nh = (uint)(bits >> 32), Num = (uint)state.Pending.Length, MdLength = 32 };
        fixed (Sha256Context* context = &_context)
        {
            state.Words.CopyTo(new Span<uint>(context->H, 8));
            state.Pending.CopyTo(new Span<byte>(context->Data, 64));
        }
    }

    private static delegate* unmanaged<Sha256Context*, byte*, nuint, int> LoadUpdate()
    {
        foreach (var name in new[] { "libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.3.dylib" })
        {
            if (NativeLibrary.TryLoad(name, out var library) && NativeLibrary.TryGetExport(library, "SHA256_Update", out var update))
            {
                return (delegate* unmanaged<Sha256Context*, byte*, nuint, int>)update;
            }
        }

        return null;
    }

    /// <summary><c>SHA256_CTX</c>: h[8], Nl, Nh, data[16 words], num, md_len.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Sha256Context
    {
        public fixed uint H[8];
        public uint Nl;
        public uint Nh;
        public fixed byte Data[64];
        public uint Num;
        public uint MdLength;
    }
}
