// Encodes a WAV file as WeChat and QQ save a voice message (SILK v3 behind Tencent's 0x02 byte), or decodes one to
// PCM and prints how long the decoder's output lasts, in milliseconds: the length a listener hears.
//   node codec.mjs encode <in.wav> <out.silk>
//   node codec.mjs decode <in.silk> <sample rate>
import { readFile, writeFile } from 'node:fs/promises';
import { decode, encode } from 'silk-wasm';

const [command, input, argument] = process.argv.slice(2);
const bytes = await readFile(input);
if (command === 'encode') {
  const silk = await encode(bytes, 0); // 0: the rate the WAV file states
  await writeFile(argument, silk.data);
} else if (command === 'decode') {
  const rate = Number(argument);
  const pcm = await decode(bytes, rate);
  console.log(pcm.data.length / 2 / rate * 1000); // 16-bit mono samples
} else {
  console.error('usage: node codec.mjs encode <in.wav> <out.silk> | decode <in.silk> <sample rate>');
  process.exit(2);
}
