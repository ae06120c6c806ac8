// Masks for personal data shown to people who may not see it in full.
/** A stored phone as shown in full: a closed account's placeholder (注销) is no phone. */
export const shownPhone = (phone: string) => (phone.startsWith("closed:") ? "" : phone);

export function maskPhone(phone: string): string {
  if (phone.startsWith("closed:")) return ""; // 注销: a placeholder, not a phone
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : "****";
}

export function maskIdNumber(id: string): string {
  return id.length > 7 ? `${id.slice(0, 3)}${"*".repeat(id.length - 7)}${id.slice(-4)}` : "*".repeat(id.length);
}

/** 张三 → 张*, 欧阳娜娜 → 欧***: the family name stays readable. */
export function maskName(name: string): string {
  const chars = [...name];
  if (!chars.length) return ""; // erased (注销)
  return chars.length === 1 ? "*" : chars[0] + "*".repeat(chars.length - 1);
}
