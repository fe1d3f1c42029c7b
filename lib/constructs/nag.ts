// How cdk-nag spells this stack's account and region in a finding id: the literal when the stack
// has an environment, the pseudo parameter otherwise.
import { type Stack, Token } from 'aws-cdk-lib';

export function nagEnv(stack: Stack): { account: string; region: string } {
  return {
    account: Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account,
    region: Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region,
  };
}
