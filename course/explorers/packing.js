// The JavaScript half of _packing.py (exported into `snn`): the levels that _packing.pack stored
// as base-64 characters, read back as integers. Nothing else decodes them; the test
// tests/course/test_explorers_learning.py runs this file under node on Python's packed bytes.

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
const SYMBOL = Object.fromEntries([...ALPHABET].map((ch, i) => [ch, i]));

// The integers _packing.pack(ints, chars) stored: `chars` characters each, most significant first.
function unpack(text, chars = 1) {
  const out = new Array(text.length / chars);
  for (let i = 0, k = 0; i < text.length; i += chars, k++) {
    let v = 0;
    for (let j = 0; j < chars; j++) v = 64 * v + SYMBOL[text[i + j]];
    out[k] = v;
  }
  return out;
}

Object.assign(snn, { ALPHABET, unpack });
