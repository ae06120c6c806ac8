import { prisma } from "../../api/src/db.js";
import { DEMO_PHONES, seedDemo } from "../../api/src/seed/demo.js";

export { DEMO_PHONES };

/** Relay global ID as Pothos encodes it. */
export const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64");

export async function seedDemoData() {
  await seedDemo(() => {});
  const fushan = await prisma.station.findUniqueOrThrow({ where: { name: "府山派出所" } });
  const changqing = await prisma.station.findUniqueOrThrow({ where: { name: "长庆派出所" } });
  const haolinshe = await prisma.team.findFirstOrThrow({ where: { name: "好邻舍义警" } });
  const committee = await prisma.team.findFirstOrThrow({ where: { name: "吴牙社区安全委员会" } });
  const squads = await prisma.squad.findMany({ where: { teamId: haolinshe.id }, orderBy: { id: "asc" } });
  const volunteer = (phone: string) => prisma.volunteer.findUniqueOrThrow({ where: { phone } });
  return { fushan, changqing, haolinshe, committee, squads, volunteer };
}
