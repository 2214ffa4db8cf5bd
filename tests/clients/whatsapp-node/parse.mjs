// Reads a chat exported from WhatsApp with whatsapp-chat-parser and prints, as JSON, what the vault states of one:
// how many messages have a writer, the writers in the order they first wrote, and each message's text.
//   node parse.mjs <chat.txt>
import { readFile } from 'node:fs/promises';
import { parseString } from 'whatsapp-chat-parser';

const [input] = process.argv.slice(2);
if (!input) {
  console.error('usage: node parse.mjs <chat.txt>');
  process.exit(2);
}

const messages = parseString(await readFile(input, 'utf8')).filter((message) => message.author !== null);
console.log(JSON.stringify({
  messages: messages.length,
  writers: [...new Set(messages.map((message) => message.author))],
  texts: messages.map((message) => message.message),
}));
