// email-reply-parser 1.9 ships no types; the part dondoc uses.
declare module 'email-reply-parser' {
  interface Fragment {
    getContent(): string;
    isHidden(): boolean;
    isQuoted(): boolean;
    isSignature(): boolean;
  }
  interface Email {
    getFragments(): Fragment[];
    getVisibleText(options?: { aggressive?: boolean }): string;
    getQuotedText(): string;
  }
  class EmailReplyParser {
    read(text: string): Email;
    parseReply(text: string): string;
  }
  export = EmailReplyParser;
}
