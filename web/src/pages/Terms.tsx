// 《隐私说明》 and 《义警守则》 (public): what a resident consents to on the join and activation forms. The privacy
// notice says what the code does (policy.ts decides who sees what; README "Residents' personal data" lists the
// erasures): change one, change the other.
import { A } from "@solidjs/router";
import { For, type JSX } from "solid-js";
import { LangToggle } from "../components/TopBar";
import { tr } from "../lib/i18n";

function Doc(props: { title: string; children: JSX.Element }) {
  return (
    <main class="login doc">
      <div class="spread">
        <h1>{props.title}</h1>
        <LangToggle />
      </div>
      {props.children}
      <p>
        <A href="/login">{tr("返回登录", "Back to sign-in")}</A>
      </p>
    </main>
  );
}

function Section(props: { title: string; items: string[] }) {
  return (
    <section>
      <h2>{props.title}</h2>
      <ul>
        <For each={props.items}>{(i) => <li>{i}</li>}</For>
      </ul>
    </section>
  );
}

export function Privacy() {
  return (
    <Doc title={tr("隐私说明", "Privacy notice")}>
      <p>{tr("“邻舍”是派出所组织义警活动的平台。您加入的派出所负责处理您的个人信息；本说明告诉您收集什么、谁能看到、保存多久，以及您能做什么。", "Linshe is the platform police stations use to run their volunteers. The station you join is responsible for your personal data; this notice says what is collected, who sees it, how long it is kept and what you can do.")}</p>
      <Section
        title={tr("收集什么", "What is collected")}
        items={[
          tr("姓名、手机号、昵称、特长与技能；派出所登记您时可能录入身份证号。", "Your name, phone, display name, specialties and skills; a station that registers you may enter your ID number."),
          tr("您认领的班次、签到与签退时间；用定位签到时，签到那一刻的位置。", "The shifts you claim, check-in and check-out times; when you check in by location, where you were at that moment."),
          tr("服务时长、积分、好人好事、您上报的巡防发现及照片、收到的通知。", "Hours served, points, good deeds, the findings and photos you report, the notices you receive."),
        ]}
      />
      <Section
        title={tr("用来做什么", "What it is used for")}
        items={[
          tr("组织巡防、召集和照看；核实身份；计算服务时长和积分；表扬；通过站内消息和短信通知您。", "Running patrols, call-ups and home watch; checking who you are; counting hours and points; commendations; notifying you in the app and by SMS."),
        ]}
      />
      <Section
        title={tr("谁能看到", "Who sees it")}
        items={[
          tr("完整的姓名、手机号和身份证号：只有您本人、您所在队伍或小队的队长、您所属派出所的民警，以及维护系统的平台管理员。", "Your full name, phone and ID number: only you, the leaders of your teams and squads, your station's officers, and the platform admins who run the system."),
          tr("其他人只看到打码后的信息（如 138****0101、张*）。队长的手机号只有本人同意后才向队员显示。", "Everyone else sees them masked (138****0101, 张*). A leader's phone is shown to members only with the leader's consent."),
          tr("表扬榜公开显示昵称；显示真实姓名需您在“积分”页的“隐私”中同意，积分排行也可在那里关闭。", "The public commendation board shows your display name; your legal name only if you agree under Points → Privacy, where you can also leave the leaderboard."),
          tr("登记、修改、导出名册、注销等操作记入审计日志，日志中不含身份证号。", "Registrations, changes, exports of the member list and account closings are recorded in an audit log, which never holds ID numbers."),
        ]}
      />
      <Section
        title={tr("保存多久", "How long it is kept")}
        items={[
          tr("注销账号后，姓名、手机号、身份证号、消息和设置立即删除；已完成的班次、时长、积分和好人好事以“已注销”保留，已上表扬榜的事迹（含其经过）仍公开显示。", "When you close your account, your name, phone, ID number, messages and settings are erased at once; past shifts, hours, points and good deeds stay under “closed”, and deeds on the commendation board (with their story) stay public."),
          tr("派出所的登记如您未接受，在撤销、拒绝或过期30天后删除其中的姓名、手机号和身份证号。", "A station's registration you never took up loses the name, phone and ID number 30 days after it was withdrawn, declined or expired."),
          tr("您退出所有派出所的队伍后（不再在任何队伍或小队中，也没有待审核或暂停的成员关系），身份证号在最后一次退出180天后删除；账号和其余信息保留，日后如有派出所再次登记您，将重新录入。", "Once you have left every station's teams (no team or squad anywhere, nothing pending or suspended), your ID number is erased 180 days after you last left; your account and the rest stay, and a station that registers you again enters it anew."),
          tr("长假照看申请在返回30天后删除；警民联调当事人信息在结案后按派出所设定的期限（默认180天）删除。", "Home-watch requests are erased 30 days after the return; mediation parties after the station's retention (180 days by default) from the closing."),
        ]}
      />
      <Section
        title={tr("您能做什么", "What you can do")}
        items={[
          tr("在“账号”页修改密码、在所有设备上退出、下载我的数据（全部信息的副本）、注销账号。", "Under Account: change your password, sign out everywhere, download your data (a copy of all of it), close your account."),
          tr("在“我的班次”和“积分”页查看您的记录；信息有误请联系您所属派出所的民警更正。", "See your records under My shifts and Points; ask your station's officers to correct anything wrong."),
        ]}
      />
      <p class="muted">{tr("密码经加密后保存，没有人能看到；登录失败次数过多会暂时锁定。", "Passwords are stored hashed and nobody can read them; repeated failed sign-ins lock the phone for a while.")}</p>
    </Doc>
  );
}

export function Rules() {
  return (
    <Doc title={tr("义警守则", "Volunteers' rules")}>
      <p>{tr("义警是协助派出所的志愿者，不是警察，没有执法权。", "Volunteer police help their station; they are not police officers and have no powers of law enforcement.")}</p>
      <Section
        title={tr("巡防与召集", "Patrols and call-ups")}
        items={[
          tr("按认领的班次准时到岗，到岗签到、离开签退，如实记录；不能到岗请尽早取消，把名额让给候补。", "Be on time for the shifts you claim; check in on arrival and out on leaving, truthfully; if you cannot come, cancel early so the next waiting can go."),
          tr("服从带班民警和队长的安排；发现警情立即报告，不单独处置危险情况。", "Follow the officer and leader in charge; report what you find at once and never handle danger alone."),
          tr("响应召集时如实填写能否到达和预计时间。", "Answer a call-up truthfully: whether you can come and when."),
        ]}
      />
      <Section
        title={tr("对待群众", "Towards residents")}
        items={[
          tr("文明礼貌，不收受财物，不以义警身份谋取私利。", "Be courteous; accept no gifts; never use the role for your own gain."),
          tr("巡防、照看和调解中知道的群众信息（姓名、电话、住址、家中情况）只用于工作，不外传、不拍照转发。", "What you learn on patrols, home watch and mediation (names, phones, addresses, homes) is for the work only: never pass it on, photograph or forward it."),
        ]}
      />
      <Section
        title={tr("账号", "Your account")}
        items={[
          tr("账号只限本人使用，不借给他人；手机丢失请在“账号”页在所有设备上退出，或联系民警停用。", "The account is yours alone; never lend it. If your phone is lost, sign out everywhere under Account or ask an officer to disable it."),
        ]}
      />
    </Doc>
  );
}
