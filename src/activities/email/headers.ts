/** Standard headers that keep auto-replies away and let mailbox rules sort dondoc's mail. */
export function automatedHeaders(kind: string, planId: string): Record<string, string> {
  return {
    'Auto-Submitted': 'auto-generated',
    'X-Auto-Response-Suppress': 'All',
    'Content-Language': 'vi',
    'X-Dondoc-Kind': kind,
    'X-Dondoc-Plan': planId,
  };
}
