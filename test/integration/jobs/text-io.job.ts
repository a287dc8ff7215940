// Reads a text file, upper-cases each line, and writes the lines back out as text.
import { defineJob } from '../../../src/index.ts';

export default defineJob<{ input: string; output: string }>((env, { input, output }) => {
  env
    .readTextFile(input)
    .map((line: string) => line.toUpperCase())
    .writeAsText(output);
});
