/**
 * Vietnamese text without its diacritics, case kept: "Đắk Nông" → "Dak Nong". Any Unicode form is accepted (NFC or
 * NFD); the base of folding for matching, keys and ASCII ids.
 */
export function stripDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}
