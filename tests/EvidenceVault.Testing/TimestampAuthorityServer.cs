using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;

namespace EvidenceVault.Testing;

/// <summary>What the HTTP authority does with the next requests.</summary>
public enum AuthorityBehaviour
{
    /// <summary>Answers correctly.</summary>
    Normal,

    /// <summary>Answers 503, as an authority that is down.</summary>
    Down,

    /// <summary>Answers with a token for another imprint.</summary>
    WrongImprint,

    /// <summary>Answers with a token for another nonce.</summary>
    WrongNonce,

    /// <summary>Answers with a token whose signature is damaged.</summary>
    BadSignature,

    /// <summary>Answers with status rejection (2) and no token.</summary>
    Rejection,
}

/// <summary>An RFC 3161 HTTP front for <see cref="OpensslTimestampAuthority"/> on loopback, with switchable misbehaviour.</summary>
public sealed class TimestampAuthorityServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly OpensslTimestampAuthority _authority;
    private readonly Task _loop;

    public TimestampAuthorityServer(OpensslTimestampAuthority authority)
    {
        _authority = authority;
        for (var attempt = 0; ; attempt++)
        {
            var port = Random.Shared.Next(20000, 60000);
            Url = new Uri($"http://127.0.0.1:{port}/tsa/");
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add(Url.ToString());
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 20)
            {
                // Port taken: try another.
            }
        }

        _loop = Task.Run(ServeAsync);
    }

    public Uri Url { get; private set; }

    public AuthorityBehaviour Behaviour { get; set; } = AuthorityBehaviour.Normal;

    public int Requests { get; private set; }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Requests++;
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var behaviour = Behaviour;
            if (behaviour == AuthorityBehaviour.Down || context.Request.ContentType != "application/timestamp-query")
            {
                context.Response.StatusCode = behaviour == AuthorityBehaviour.Down ? 503 : 415;
                context.Response.Close();
                continue;
            }

            var reply = await AnswerAsync(body.ToArray(), behaviour);
            context.Response.ContentType = "application/timestamp-reply";
            await context.Response.OutputStream.WriteAsync(reply);
            context.Response.Close();
        }
    }

    private async Task<byte[]> AnswerAsync(byte[] query, AuthorityBehaviour behaviour)
    {
        if (behaviour == AuthorityBehaviour.Rejection)
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            using (writer.PushSequence())
            {
                writer.WriteInteger(2);
            }

            return writer.Encode();
        }

        if (!Rfc3161TimestampRequest.TryDecode(query, out var request, out _))
        {
            throw new InvalidOperationException("not a TimeStampReq");
        }

        var hash = request.GetMessageHash().ToArray();
        var nonce = request.GetNonce()?.ToArray();
        if (behaviour == AuthorityBehaviour.WrongImprint)
        {
            hash = SHA256.HashData("other evidence"u8);
        }

        if (behaviour == AuthorityBehaviour.WrongNonce)
        {
            nonce = RandomNumberGenerator.GetBytes(16);
        }

        var reply = await _authority.ReplyAsync(Rfc3161TimestampRequest.CreateFromHash(hash, HashAlgorithmName.SHA256, nonce: nonce, requestSignerCertificates: true).Encode());
        if (behaviour == AuthorityBehaviour.BadSignature)
        {
            reply[^3] ^= 0x5A; // inside the SignerInfo's signature, the last field of the token
        }

        return reply;
    }
}
