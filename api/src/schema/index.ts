// The GraphQL schema: importing a module registers its types, queries and mutations.
import { builder } from "../builder.js";
import "../graphql/mutation.js";
import "../graphql/node.js";
import "../modules/station/station.type.js";
import "../modules/station/station.mutations.js";
import "../modules/volunteer/volunteer.type.js";
import "../modules/volunteer/volunteer.mutations.js";
import "../modules/partner/partner.type.js";
import "../modules/team/team.type.js";
import "../modules/team/team.mutations.js";
import "../modules/team/team.subscriptions.js";
import "../modules/account/account.type.js";
import "../modules/account/account.mutations.js";
import "../modules/shift/shift.type.js";
import "../modules/shift/shift.mutations.js";
import "../modules/shift/shift.subscriptions.js";
import "../modules/commendation/commendation.type.js";
import "../modules/commendation/commendation.mutations.js";
import "../modules/commendation/commendation.subscriptions.js";
import "../modules/points/points.type.js";
import "../modules/points/points.mutations.js";
import "../modules/partner/agreement.type.js";
import "../modules/partner/agreement.mutations.js";
import "../modules/notification/notification.type.js";
import "../modules/notification/notification.mutations.js";
import "../modules/notification/notification.subscriptions.js";

export const schema = builder.toSchema({ sortSchema: true });
