import { describe, expect, it } from 'vitest';
import { dependencyCycle } from './dependency-cycle.js';

describe('dependencyCycle', () => {
  it('finds a cycle through Ref, Fn::GetAtt and DependsOn', () => {
    const cycle = dependencyCycle({
      Fn: { Properties: { Url: { 'Fn::GetAtt': ['Url', 'FunctionUrl'] } } },
      Url: { Properties: { Target: { Ref: 'Api' } } },
      Api: { DependsOn: 'Fn' },
    });

    expect(cycle).toEqual(['Fn', 'Url', 'Api', 'Fn']);
  });

  it('finds none in references that only point one way', () => {
    expect(
      dependencyCycle({
        Fn: { Properties: { Url: { 'Fn::GetAtt': ['Url', 'FunctionUrl'] } } },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
        Url: { Properties: { Target: { 'Fn::Sub': '${Api}/x' } } },
        Api: { Properties: { Region: { Ref: 'AWS::Region' } } },
      }),
    ).toEqual([]);
  });
});
