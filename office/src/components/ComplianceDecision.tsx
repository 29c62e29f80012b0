// The detail page's decision: the page's polling shows what the workflow does next.

import { DecisionForm } from './DecisionForm.tsx';
import { Section } from './Section.tsx';

export function ComplianceDecision({ id }: { id: string }) {
  return (
    <Section id="decision" title="Compliance decision">
      <p>The screening flagged a party and the settlement waits for a decision (the matches are in the timeline and in the review queue).</p>
      <DecisionForm id={id} />
    </Section>
  );
}
