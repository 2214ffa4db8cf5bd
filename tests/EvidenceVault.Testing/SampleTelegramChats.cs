using EvidenceVault.Evidence;

namespace EvidenceVault.Testing;

/// <summary>
/// The same refund scam as <see cref="SampleChats"/>, held in Telegram and exported by Telegram Desktop ("Export chat
/// history", JSON) as <c>result.json</c>, written byte for byte as its JSON writer lays an export out: one space of
/// indent per level, <c>"key": value</c>, Chinese as UTF-8, the date by the exporting computer's clock (here China's)
/// beside its Unix time, a text with marked parts as a list beside <c>text_entities</c>. The scammer hides the refund
/// page behind other words (a <c>text_link</c>), so its address is in no text a reader shows. Read again by
/// telegram-chat-parser (pinned in <c>tests/clients/telegram-node</c>, run by Node), a reader of Telegram's exports of
/// its own.
/// </summary>
public static class SampleTelegramChats
{
    /// <summary>The scammer's Telegram account, as the export names it in <c>from_id</c>.</summary>
    public const string ScammerId = "user7012345678";

    /// <summary>The victim's Telegram account.</summary>
    public const string VictimId = "user5550001234";

    /// <summary>The words the refund page hides behind.</summary>
    public const string HiddenLinkWords = "京东官方退款页面";

    /// <summary>A personal chat between the scammer and the victim, opening with a call the victim missed (a notice, not a message).</summary>
    public static SampleChat PersonalChat { get; } = new(
        "result.json",
        $$"""
        {
         "name": "{{SampleChats.Scammer}}",
         "type": "personal_chat",
         "id": 7012345678,
         "messages": [
          {
           "id": 1201,
           "type": "service",
           "date": "2026-12-03T22:14:58",
           "date_unixtime": "1796307298",
           "actor": "{{SampleChats.Scammer}}",
           "actor_id": "{{ScammerId}}",
           "action": "phone_call",
           "discard_reason": "missed",
           "text": "",
           "text_entities": []
          },
          {
           "id": 1202,
           "type": "message",
           "date": "2026-12-03T22:15:32",
           "date_unixtime": "1796307332",
           "from": "{{SampleChats.Scammer}}",
           "from_id": "{{ScammerId}}",
           "text": "您好，这里是京东客服。您的订单 114-3941689-8772232 被重复扣款。",
           "text_entities": [
            {
             "type": "plain",
             "text": "您好，这里是京东客服。您的订单 114-3941689-8772232 被重复扣款。"
            }
           ]
          },
          {
           "id": 1203,
           "type": "message",
           "date": "2026-12-03T22:16:05",
           "date_unixtime": "1796307365",
           "from": "{{SampleChats.Victim}}",
           "from_id": "{{VictimId}}",
           "text": "什么问题？",
           "text_entities": [
            {
             "type": "plain",
             "text": "什么问题？"
            }
           ]
          },
          {
           "id": 1204,
           "type": "message",
           "date": "2026-12-03T22:17:12",
           "date_unixtime": "1796307432",
           "from": "{{SampleChats.Scammer}}",
           "from_id": "{{ScammerId}}",
           "text": [
            "请在这里申请退款：",
            {
             "type": "text_link",
             "text": "{{HiddenLinkWords}}",
             "href": "{{SampleChats.RefundLink}}"
            },
            "\n输入银行卡号和我们发给您的验证码。"
           ],
           "text_entities": [
            {
             "type": "plain",
             "text": "请在这里申请退款："
            },
            {
             "type": "text_link",
             "text": "{{HiddenLinkWords}}",
             "href": "{{SampleChats.RefundLink}}"
            },
            {
             "type": "plain",
             "text": "\n输入银行卡号和我们发给您的验证码。"
            }
           ]
          },
          {
           "id": 1205,
           "type": "message",
           "date": "2026-12-03T22:20:11",
           "date_unixtime": "1796307611",
           "from": "{{SampleChats.Victim}}",
           "from_id": "{{VictimId}}",
           "photo": "photos/photo_1@03-12-2026_22-20-11.jpg",
           "width": 1080,
           "height": 2340,
           "text": "",
           "text_entities": []
          },
          {
           "id": 1206,
           "type": "message",
           "date": "2026-12-03T22:21:30",
           "date_unixtime": "1796307690",
           "from": "{{SampleChats.Scammer}}",
           "from_id": "{{ScammerId}}",
           "text": [
            "谢谢。最后请安装我们的退款应用：",
            {
             "type": "link",
             "text": "{{SampleChats.AppLink}}"
            }
           ],
           "text_entities": [
            {
             "type": "plain",
             "text": "谢谢。最后请安装我们的退款应用："
            },
            {
             "type": "link",
             "text": "{{SampleChats.AppLink}}"
            }
           ]
          },
          {
           "id": 1207,
           "type": "message",
           "date": "2026-12-04T09:02:47",
           "date_unixtime": "1796346167",
           "from": "{{SampleChats.Victim}}",
           "from_id": "{{VictimId}}",
           "text": "我被骗了 38,000 元。你们到底是谁？",
           "text_entities": [
            {
             "type": "plain",
             "text": "我被骗了 38,000 元。你们到底是谁？"
            }
           ]
          }
         ]
        }
        """,
        new ChatInfo
        {
            Source = ChatSources.Telegram, Participants = [SampleChats.Scammer, SampleChats.Victim], Accounts = [ScammerId, VictimId], Writers = 2, Messages = 6,
            FirstMessageAt = "2026-12-03T22:15:32", LastMessageAt = "2026-12-04T09:02:47", Links = [SampleChats.RefundLink, SampleChats.AppLink],
        });

    /// <summary>What telegram-chat-parser reads in the export at <paramref name="path"/> (written, like WhatsApp's, by <see cref="SampleChats.Write"/>: UTF-8 without a byte-order mark).</summary>
    public static Task<ParsedTelegramChat> ParseAsync(string path) => SampleChats.RunParserAsync<ParsedTelegramChat>("telegram-node", path);
}

/// <summary>What telegram-chat-parser reads in an export: the chat's name and type, its messages with a writer, how many writers, their names and accounts in the order they first wrote, the first and last date, and each message's text as the app shows it.</summary>
public sealed record ParsedTelegramChat(string Name, string Type, int Messages, int Writers, IReadOnlyList<string> Names, IReadOnlyList<string> Accounts, string? First, string? Last, IReadOnlyList<string> Texts);
