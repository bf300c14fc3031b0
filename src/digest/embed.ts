// A rich message block as the digest renders it: the fields of a Discord embed the digest uses, declared
// here so the digest core builds and renders without discord.js. It is structurally a Discord APIEmbed,
// so the Discord sender posts it as it is; the console prints it (sender.ts embedText).
export interface EmbedField {
  name: string;
  value: string;
  inline?: boolean;
}

export interface Embed {
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  timestamp?: string;
  fields?: EmbedField[];
  footer?: { text: string; icon_url?: string };
  image?: { url: string };
  thumbnail?: { url: string };
  author?: { name: string; url?: string; icon_url?: string };
}
