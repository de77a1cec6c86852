import { describe, expect, it } from 'vitest';
import { aliyunPercentEncode, signAliyunRpc } from './aliyun-sms.provider.js';
import { loadNotifySettings, NotifyConfigError, providerTemplateId } from './notify-config.js';
import { classifySmtpError } from './smtp-email.sender.js';
import { tencentTc3Authorization } from './tencent-sms.provider.js';

describe('provider signatures, against the providers\' published examples', () => {
  it('signs Alibaba Cloud RPC requests as the "Signature mechanism" page\'s DescribeRegions example', () => {
    const params = {
      AccessKeyId: 'testid', Action: 'DescribeRegions', Format: 'XML', SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf', SignatureVersion: '1.0', Timestamp: '2016-02-23T12:46:24Z', Version: '2014-05-26',
    };
    expect(signAliyunRpc('GET', params, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
    expect(aliyunPercentEncode("a b*c~d!'()")).toBe('a%20b%2Ac~d%21%27%28%29');
    expect(aliyunPercentEncode('签名')).toBe('%E7%AD%BE%E5%90%8D');
  });

  it('signs TencentCloud API 3.0 requests as the "Signature v3" page\'s CVM example', () => {
    const authorization = tencentTc3Authorization({
      secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******',
      secretKey: 'Gu5t9xGARNpq86cd98joQYCN3*******',
      service: 'cvm',
      host: 'cvm.tencentcloudapi.com',
      timestamp: 1551113065,
      payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
    });
    expect(authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, ' +
        'Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c',
    );
  });
});

describe('notification settings', () => {
  it('defaults to no SMS, no e-mail and quiet nights', () => {
    const s = loadNotifySettings({});
    expect(s.sms).toEqual({ provider: 'none' });
    expect(s.email).toBeNull();
    expect(s.quietHours).toEqual({ startMinute: 21 * 60, endMinute: 8 * 60 });
  });

  it('says what is missing for a provider', () => {
    expect(() => loadNotifySettings({ BIHUAN_SMS_PROVIDER: 'aliyun' })).toThrow(NotifyConfigError);
    expect(() => loadNotifySettings({ BIHUAN_SMS_PROVIDER: 'tencent', BIHUAN_SMS_ACCESS_KEY_ID: 'a', BIHUAN_SMS_ACCESS_KEY_SECRET: 'b', BIHUAN_SMS_SIGN_NAME: 'c', BIHUAN_SMS_TEMPLATES: '{}' })).toThrow(
      /BIHUAN_SMS_SDK_APP_ID/,
    );
    expect(() => loadNotifySettings({ BIHUAN_SMS_PROVIDER: 'http', BIHUAN_SMS_HTTP_URL: 'http://x', BIHUAN_SMTP_URL: 'smtp://x' })).toThrow(/BIHUAN_MAIL_FROM/);
    expect(() =>
      loadNotifySettings({ BIHUAN_SMS_PROVIDER: 'aliyun', BIHUAN_SMS_ACCESS_KEY_ID: 'a', BIHUAN_SMS_ACCESS_KEY_SECRET: 'b', BIHUAN_SMS_SIGN_NAME: 'c', BIHUAN_SMS_TEMPLATES: '{"welcome":"SMS_1"}' }),
    ).toThrow(/message kinds/);
  });

  it('picks a provider template per kind and language, falling back to the kind', () => {
    const templates = { registered: 'SMS_1', 'registered.bo': 'SMS_2' };
    expect(providerTemplateId(templates, 'registered', 'bo')).toBe('SMS_2');
    expect(providerTemplateId(templates, 'registered', 'en')).toBe('SMS_1');
    expect(providerTemplateId(templates, 'replied', 'zh-Hans')).toBeNull();
  });
});

describe('SMTP outcomes', () => {
  it('tells retry, refusal and unknown apart', () => {
    expect(classifySmtpError({ code: 'ECONNECTION', command: 'CONN' }).status).toBe('retry');
    expect(classifySmtpError({ code: 'EENVELOPE', responseCode: 451, command: 'RCPT TO' }).status).toBe('retry');
    expect(classifySmtpError({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' }).status).toBe('rejected');
    expect(classifySmtpError({ code: 'ETIMEDOUT', command: 'DATA' }).status).toBe('unknown');
  });
});
