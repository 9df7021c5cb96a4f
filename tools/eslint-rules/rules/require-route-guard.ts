import { AST_NODE_TYPES, ESLintUtils, type TSESTree } from '@typescript-eslint/utils';

/** The rule's name; in a config it is `@nx/workspace-require-route-guard` (Nx namespaces workspace rules). */
export const RULE_NAME = 'require-route-guard';

/** Nest's HTTP route decorators: a method carrying one is an endpoint. */
export const ROUTE_DECORATORS = ['Get', 'Post', 'Put', 'Patch', 'Delete', 'All', 'Options', 'Head', 'Search'] as const;

/** What declares an endpoint's access (libs/access-guards, libs/http): a scope, a permission, or deliberately none. */
export const ACCESS_DECORATORS = ['RequireScope', 'RequirePermission', 'Public'] as const;

/** The class decorator of an admin API (libs/access-guards): its routes are checked apart, see {@link ADMIN_PERMISSION}. */
export const ADMIN_API = 'AdminApi';

/** The method decorator that names an admin route's permission; a declaration only inside an `@AdminApi` class. */
export const ADMIN_PERMISSION = 'AdminPermission';

type Options = [{ readonly alsoAccept?: readonly string[] }];
type MessageIds = 'undeclared' | 'adminUndeclared';

/** The decorator's name: `@Name`, `@Name(…)`, `@ns.Name(…)`. */
function decoratorName(decorator: TSESTree.Decorator): string | undefined {
  const expression = decorator.expression.type === AST_NODE_TYPES.CallExpression ? decorator.expression.callee : decorator.expression;
  if (expression.type === AST_NODE_TYPES.Identifier) return expression.name;
  if (expression.type === AST_NODE_TYPES.MemberExpression && expression.property.type === AST_NODE_TYPES.Identifier) return expression.property.name;
  return undefined;
}

function namesOf(decorators: readonly TSESTree.Decorator[] | undefined): Set<string> {
  return new Set((decorators ?? []).map(decoratorName).filter((name): name is string => name !== undefined));
}

/**
 * STYLE.md rule of thumb 4: every controller method declares its guard and
 * permission or is explicitly `@Public()`. A method of an `@Controller`
 * class with an HTTP route decorator must carry, on itself or its class,
 * `@RequireScope`, `@RequirePermission` or `@Public` (or a decorator listed
 * in `alsoAccept`: the guards some routes still use).
 *
 * Admin APIs are checked apart: in a class decorated with `@AdminApi`, every
 * route must carry `@AdminPermission(…)` on the method itself, whatever else
 * the method or the class carries (AdminGuard refuses a handler without one,
 * at startup and at run time). `@AdminApi` alone declares nothing for its
 * methods, and `@AdminPermission` declares nothing outside an `@AdminApi`
 * class (there, use `@RequirePermission`); neither may be listed in
 * `alsoAccept`.
 *
 * Decorators are matched by name, so an alias (`import { Public as Open }`)
 * is not recognised: write the names as exported.
 */
export const rule = ESLintUtils.RuleCreator(() => 'https://github.com/latchkey/latchkey/blob/main/docs/STYLE.md')<Options, MessageIds>({
  name: RULE_NAME,
  meta: {
    type: 'problem',
    docs: {
      description:
        'Every controller route declares its access: @RequireScope, @RequirePermission or @Public; every route of an @AdminApi controller, @AdminPermission.',
    },
    schema: [
      {
        type: 'object',
        properties: {
          alsoAccept: {
            type: 'array',
            items: { type: 'string', minLength: 1, not: { type: 'string', enum: [ADMIN_API, ADMIN_PERMISSION] } },
            uniqueItems: true,
          },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      undeclared:
        'Route {{route}} declares no access: add @RequireScope(…) and/or @RequirePermission(…), or @Public() if it is meant to be open (on the method or its controller).',
      adminUndeclared:
        'Admin route {{route}} names no permission: add @AdminPermission(…) to the method (@AdminApi on the controller does not declare it by itself).',
    },
  },
  defaultOptions: [{ alsoAccept: [] }],
  create(context, [options]) {
    // The schema refuses AdminApi and AdminPermission in alsoAccept; the filter keeps the admin check whole all the same.
    const admin = new Set<string>([ADMIN_API, ADMIN_PERMISSION]);
    const accepted = new Set<string>([...ACCESS_DECORATORS, ...(options.alsoAccept ?? []).filter((name) => !admin.has(name))]);
    const routes = new Set<string>(ROUTE_DECORATORS);
    const declares = (names: Set<string>) => [...names].some((name) => accepted.has(name));

    const check = (node: TSESTree.ClassDeclaration | TSESTree.ClassExpression) => {
      const classDecorators = namesOf(node.decorators);
      if (!classDecorators.has('Controller')) return;
      const adminApi = classDecorators.has(ADMIN_API);
      if (!adminApi && declares(classDecorators)) return;
      for (const member of node.body.body) {
        if (member.type !== AST_NODE_TYPES.MethodDefinition) continue;
        const methodDecorators = namesOf(member.decorators);
        const route = [...methodDecorators].find((name) => routes.has(name));
        if (route === undefined) continue;
        if (adminApi ? methodDecorators.has(ADMIN_PERMISSION) : declares(methodDecorators)) continue;
        const method = member.key.type === AST_NODE_TYPES.Identifier ? member.key.name : context.sourceCode.getText(member.key);
        context.report({
          node: member.key,
          messageId: adminApi ? 'adminUndeclared' : 'undeclared',
          data: { route: `@${route} ${node.id?.name ?? 'controller'}.${method}` },
        });
      }
    };

    return { ClassDeclaration: check, ClassExpression: check };
  },
});
