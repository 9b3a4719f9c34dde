/** The workflow types a dondoc worker registers. */
export { planWorkflow } from './plan-workflow';
export { subjectWorkflow } from './subject-workflow';
export { scenarioWorkflow } from './scenario-workflow';
export { agencyMailboxWorkflow } from './agency-mailbox-workflow';
