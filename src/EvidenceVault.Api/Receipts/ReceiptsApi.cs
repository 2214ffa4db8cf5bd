using EvidenceVault.Api.Access;
using EvidenceVault.Api.Items;
using EvidenceVault.Api.Problems;
using EvidenceVault.Evidence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace EvidenceVault.Api.Receipts;

/// <summary>One public key in JWK form (RFC 7517/7518).</summary>
public sealed record JsonWebKey(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg);

/// <summary>The vault's published receipt keys.</summary>
public sealed record JsonWebKeySet(IReadOnlyList<JsonWebKey> Keys);

internal static class ReceiptsApi
{
    public static RouteGroupBuilder MapReceiptsApi(this RouteGroupBuilder caseScope, IEndpointRouteBuilder app)
    {
        caseScope.MapGet("/items/{itemId}/receipt", GetReceipt)
            .WithName(nameof(GetReceipt))
            .WithSummary("The item's latest signed receipt: the document, its DER ECDSA P-256 signature (base64) and key id.")
            .AllowRoles(CaseRoles.All)
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/.well-known/evidencevault/keys", GetReceiptKeys)
            .WithName(nameof(GetReceiptKeys))
            .WithSummary("The vault's receipt verification keys (JWKS): the current key first, then earlier ones.");
        return caseScope;
    }

    public static async Task<Ok<ItemReceipt>> GetReceipt(CaseCaller caller, string itemId, ItemIndex index, ReceiptIssuer receipts, Custody.CustodyLog custody, CancellationToken cancellationToken)
    {
        var item = await ItemsApi.FindAsync(caller, itemId, index, cancellationToken);
        await ItemsApi.RecordViewAsync(custody, caller, item, "receipt", cancellationToken);
        return TypedResults.Ok(await receipts.ReadLatestAsync(item, cancellationToken)
            ?? throw new VaultProblemException(ProblemType.ItemNotFound, "This item has no receipt yet."));
    }

    public static Ok<JsonWebKeySet> GetReceiptKeys(ReceiptKeys keys) =>
        TypedResults.Ok(new JsonWebKeySet([.. keys.Published.Select(key =>
        {
            var point = key.PublicKey.ExportParameters(includePrivateParameters: false).Q;
            return new JsonWebKey("EC", "P-256", WebEncoders.Base64UrlEncode(point.X!), WebEncoders.Base64UrlEncode(point.Y!), key.KeyId, "sig", "ES256");
        })]));
}
