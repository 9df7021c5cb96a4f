import { Linter, RuleTester } from 'eslint';
import * as parser from '@typescript-eslint/parser';
import { rule, RULE_NAME } from './require-route-guard';

const tester = new RuleTester({ languageOptions: { parser, ecmaVersion: 2022, sourceType: 'module' } });
const options = [{ alsoAccept: ['ServiceRoutes', 'RequiresFeature', 'UseGuards'] }];

// ESLint's RuleTester takes its own rule type; the typescript-eslint one is the same object at run time.
tester.run(RULE_NAME, rule as unknown as Parameters<RuleTester['run']>[1], {
  valid: [
    {
      name: 'a route with a scope and a permission',
      code: `@Controller('r') class R { @Get() @RequireScope('reports.read') @RequirePermission('reports:read') list() {} }`,
    },
    { name: 'a route with only a permission', code: `@Controller('r') class R { @Post() @RequirePermission('reports:write') add() {} }` },
    { name: 'a public route', code: `@Controller('health') class H { @Get('live') @Public() live() {} }` },
    { name: 'a controller declared public as a whole', code: `@Public() @Controller('.well-known') class K { @Get('jwks.json') jwks() {} }` },
    { name: 'a controller-level permission', code: `@RequirePermission('isvs:admin') @Controller('isvs') class I { @Delete(':id') remove() {} }` },
    { name: 'a method that is no route', code: `@Controller('r') class R { helper() {} @Get() @Public() list() {} }` },
    { name: 'a route decorator outside a controller', code: `class NotAController { @Get() list() {} }` },
    {
      name: 'an accepted interim guard on the class',
      code: `@ServiceRoutes('decisions') @Controller('v1/decisions') class D { @Post() decide() {} }`,
      options,
    },
    {
      name: 'an admin controller whose routes all name their permission',
      code: `@AdminApi() @Controller('admin/v1/isvs') class A {
        constructor(private readonly isvs: unknown) {}
        helper() {}
        @Get() @AdminPermission('issuer.isvs:read') list() {}
        @Post() @HttpCode(201) @AdminPermission('issuer.isvs:write') create() {}
      }`,
      options,
    },
    {
      name: 'a namespaced admin permission',
      code: `@guards.AdminApi() @Controller('admin') class A { @Get() @guards.AdminPermission('audit.events:read') list() {} }`,
    },
    {
      name: 'an accepted guard on the method',
      code: `@Controller('face/v1.0') class F { @Post('identify') @RequiresFeature('Face.Identification', 'face.identify') identify() {} }`,
      options,
    },
    { name: 'a namespaced decorator', code: `@nest.Controller('r') class R { @nest.Get() @guards.Public() list() {} }` },
  ],
  invalid: [
    {
      name: 'a route without any declaration',
      code: `@Controller('r') class Reports { @Get() list() {} }`,
      errors: [{ messageId: 'undeclared', data: { route: '@Get Reports.list' } }],
    },
    {
      name: 'only the undeclared routes of a controller',
      code: `@Controller('r') class R { @Get() @Public() a() {} @Post() b() {} @Delete(':id') @RequireScope('r.write') c() {} @Patch() d() {} }`,
      errors: [
        { messageId: 'undeclared', data: { route: '@Post R.b' } },
        { messageId: 'undeclared', data: { route: '@Patch R.d' } },
      ],
    },
    {
      name: 'an interim guard that is not listed in alsoAccept',
      code: `@ServiceRoutes('decisions') @Controller('v1/decisions') class D { @Post() decide() {} }`,
      errors: [{ messageId: 'undeclared', data: { route: '@Post D.decide' } }],
    },
    {
      name: 'an admin controller with one route naming no permission',
      code: `@AdminApi() @Controller('admin/v1/isvs') class Isvs {
        @Get() @AdminPermission('issuer.isvs:read') list() {}
        @Post(':id/approve') @HttpCode(200) approve() {}
        @Delete(':id') @AdminPermission('issuer.isvs:write') remove() {}
      }`,
      options,
      errors: [{ messageId: 'adminUndeclared', data: { route: '@Post Isvs.approve' } }],
    },
    {
      name: '@AdminApi alone declares nothing for its routes',
      code: `@AdminApi() @Controller('admin') class A { @Put() replace() {} }`,
      errors: [{ messageId: 'adminUndeclared', data: { route: '@Put A.replace' } }],
    },
    {
      name: 'other declarations do not stand in for @AdminPermission in an admin controller',
      code: `@AdminApi() @RequirePermission('isvs:admin') @Controller('admin') class A { @Get() @RequireScope('x.read') @UseGuards(G) list() {} }`,
      options,
      errors: [{ messageId: 'adminUndeclared', data: { route: '@Get A.list' } }],
    },
    {
      name: '@AdminPermission outside an admin controller declares nothing',
      code: `@Controller('r') class Reports { @Get() @AdminPermission('audit.events:read') list() {} }`,
      options,
      errors: [{ messageId: 'undeclared', data: { route: '@Get Reports.list' } }],
    },
    {
      name: 'UseGuards without being accepted',
      code: `@Controller('x') class X { @All('*') @UseGuards(SomeGuard) any() {} }`,
      errors: [{ messageId: 'undeclared', data: { route: '@All X.any' } }],
    },
    {
      name: 'a class expression controller',
      code: `export const C = @Controller('c') class { @Get() list() {} };`,
      errors: [{ messageId: 'undeclared', data: { route: '@Get controller.list' } }],
    },
  ],
});

describe(`${RULE_NAME} options`, () => {
  const lint = (alsoAccept: string[]) =>
    new Linter({ configType: 'flat' }).verify(`@Controller('r') class R { @Get() @Public() list() {} }`, [
      {
        languageOptions: { parser },
        plugins: { local: { rules: { [RULE_NAME]: rule as unknown as Parameters<RuleTester['run']>[1] } } },
        rules: { [`local/${RULE_NAME}`]: ['error', { alsoAccept }] },
      },
    ]);

  it('accepts other decorators in alsoAccept', () => {
    expect(lint(['UseGuards'])).toEqual([]);
  });

  it.each(['AdminApi', 'AdminPermission'])('refuses %s in alsoAccept: the rule handles it itself', (name) => {
    expect(() => lint(['UseGuards', name])).toThrow(new RegExp(`${name}\\W+ should NOT be valid`));
  });
});
