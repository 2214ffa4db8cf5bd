// Reads one chat Telegram Desktop exported in JSON with telegram-chat-parser and prints, as JSON, what the vault
// states of one: how many messages have a writer, how many writers there are, the names they write under and their
// accounts in the order they first wrote, the first and last message's date as written, and each message's text as the app shows it.
//   node parse.mjs <result.json>
import { readFile } from 'node:fs/promises';
import parser from 'telegram-chat-parser';

const [input] = process.argv.slice(2);
if (!input) {
  console.error('usage: node parse.mjs <result.json>');
  process.exit(2);
}

const chat = new parser.TelegramChat(await readFile(input, 'utf8'));
const messages = chat.messages.filter((message) => message.isMessage && message.from !== undefined);
console.log(JSON.stringify({
  name: chat.name,
  type: chat.type,
  messages: messages.length,
  writers: new Set(messages.map((message) => String(message.from.id ?? message.from.name))).size,
  names: [...new Set(messages.map((message) => message.from.name).filter((name) => name))],
  accounts: [...new Set(messages.map((message) => message.from.id).filter((id) => id !== undefined && id !== null).map(String))],
  first: messages.at(0)?.data.date ?? null,
  last: messages.at(-1)?.data.date ?? null,
  texts: messages.map((message) => message.text()),
}));
