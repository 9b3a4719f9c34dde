import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Plan id of a dondoc workflow. */
export const planIdKey = defineSearchAttributeKey('DondocPlanId', SearchAttributeType.KEYWORD);
/** Canonical names of the agencies that owe something in the workflow. */
export const agenciesKey = defineSearchAttributeKey('DondocAgencies', SearchAttributeType.KEYWORD_LIST);
/** Agencies currently late (overdue) in the open occurrence. */
export const overdueAgenciesKey = defineSearchAttributeKey('DondocOverdueAgencies', SearchAttributeType.KEYWORD_LIST);
/** Lead due instant of the open occurrence. */
export const nextDueKey = defineSearchAttributeKey('DondocNextDue', SearchAttributeType.DATETIME);
/** A `SubjectStatus` value. */
export const statusKey = defineSearchAttributeKey('DondocStatus', SearchAttributeType.KEYWORD);
/** `task`, `deliverable` or `plan`. */
export const kindKey = defineSearchAttributeKey('DondocKind', SearchAttributeType.KEYWORD);

/** Every custom search attribute dondoc uses; the dev server registers them at start. */
export const allSearchAttributeKeys = [planIdKey, agenciesKey, overdueAgenciesKey, nextDueKey, statusKey, kindKey];
