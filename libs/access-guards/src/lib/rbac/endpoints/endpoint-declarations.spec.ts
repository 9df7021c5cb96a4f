import { Controller, Get, Post } from '@nestjs/common';
import { Public } from '@latchkey/http';
import { AdminApi } from '../../admin/admin-api.decorator';
import { AdminPermission } from '../../admin/admin-permission.decorator';
import { RequirePermission } from '../require-permission.decorator';
import { RequireScope } from '../require-scope.decorator';
import { declaredEndpoints } from './endpoint-declarations';

describe(declaredEndpoints.name, () => {
  it('declares each handler with the scope and permission RbacGuard enforces on it', () => {
    @Controller('testapi')
    class SampleController {
      @Get()
      @RequireScope('testapi.read')
      @RequirePermission('testapi:read')
      read(): void {
        return undefined;
      }

      @Post()
      @RequireScope('testapi.write')
      @RequirePermission('testapi:write')
      write(): void {
        return undefined;
      }
    }

    expect(declaredEndpoints([SampleController])).toEqual([
      { method: 'GET', path: '/testapi', scope: 'testapi.read', permission: 'testapi:read', public: false },
      { method: 'POST', path: '/testapi', scope: 'testapi.write', permission: 'testapi:write', public: false },
    ]);
  });

  it('declares admin handlers with the admin scope and their own permission, and leaves out endpoints outside RBAC', () => {
    @AdminApi()
    @Controller('admin/v1/things')
    class ThingsAdmin {
      @Get()
      @AdminPermission('issuer.isvs:read')
      list(): void {
        return undefined;
      }
    }

    @Controller('sts')
    class KeyAuthenticated {
      @Post('issue')
      issue(): void {
        return undefined;
      }
    }

    expect(declaredEndpoints([ThingsAdmin, KeyAuthenticated])).toEqual([
      { method: 'GET', path: '/admin/v1/things', scope: 'latchkey.admin', permission: 'issuer.isvs:read', public: false },
    ]);
  });

  it('refuses an admin handler without @AdminPermission', () => {
    @AdminApi()
    @Controller('admin/v1/things')
    class Unnamed {
      @Get()
      list(): void {
        return undefined;
      }
    }

    expect(() => declaredEndpoints([Unnamed])).toThrow(/Unnamed.list is an admin endpoint without @AdminPermission/);
  });

  it('takes a controller-level permission and scope, and marks a public route as public', () => {
    @RequireScope('reports.read')
    @RequirePermission('reports:read')
    @Controller('/reports/')
    class ReportsController {
      @Get(':id')
      one(): void {
        return undefined;
      }

      @Post()
      @RequirePermission('reports:write')
      create(): void {
        return undefined;
      }
    }

    @Controller()
    class HealthProbe {
      @Get('ping')
      @Public()
      ping(): void {
        return undefined;
      }
    }

    expect(declaredEndpoints([ReportsController, HealthProbe])).toEqual([
      { method: 'GET', path: '/reports/:id', scope: 'reports.read', permission: 'reports:read', public: false },
      { method: 'POST', path: '/reports', scope: 'reports.read', permission: 'reports:write', public: false },
      { method: 'GET', path: '/ping', scope: null, permission: null, public: true },
    ]);
  });

  it('refuses an endpoint that requires more than one scope (the registry takes one)', () => {
    @Controller('x')
    class TwoScopes {
      @Get()
      @RequireScope('a.read', 'b.read')
      both(): void {
        return undefined;
      }
    }

    expect(() => declaredEndpoints([TwoScopes])).toThrow(/requires 2 scopes/);
  });
});
