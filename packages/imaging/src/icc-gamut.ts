const WIDE_GAMUT = /display p3|dci-p3|p3|adobe ?rgb|prophoto|rec\.? ?2020|bt\.? ?2020|wide ?gamut/i;

/**
 * True when an ICC profile describes a colour space wider than sRGB (Display P3, Adobe RGB,
 * ProPhoto, Rec. 2020), judged from the profile's description tag (`desc`: ASCII in v2
 * profiles, UTF-16 in v4 `mluc`, both read with NULs dropped). A profile this does not
 * recognise counts as not wide: the image is then converted to sRGB, the safe default.
 */
export function isWideGamutProfile(icc: Buffer | undefined): boolean {
  if (!icc || icc.length < 132) return false;
  const tags = icc.readUInt32BE(128);
  for (let i = 0; i < Math.min(tags, 100); i++) {
    const entry = 132 + i * 12;
    if (entry + 12 > icc.length) return false;
    if (icc.toString('latin1', entry, entry + 4) !== 'desc') continue;
    const offset = icc.readUInt32BE(entry + 4);
    const size = Math.min(icc.readUInt32BE(entry + 8), 2048);
    const text = icc.toString('latin1', offset, Math.min(icc.length, offset + size)).replace(/\0/g, '');
    return WIDE_GAMUT.test(text);
  }
  return false;
}
